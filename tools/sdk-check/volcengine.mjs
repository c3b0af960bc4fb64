// Volcengine's official Node SDK (@volcengine/openapi, its generic Service and HMAC-SHA256 signer; it has no
// ECS client) against the Volcengine emulator. DeleteImages has no DryRun: the check is the describe-based
// verdict the module gives (own image, available or error, not shared), then the real delete.
import { Service } from '@volcengine/openapi';
import { run } from './loopback.mjs';

// A call that failed as a whole answers with ResponseMetadata.Error (the SDK returns it rather than throwing).
function resultOf(answer, action) {
  const error = answer?.ResponseMetadata?.Error;
  if (error) throw new Error(`${action}: ${error.Code}: ${error.Message}`);
  if (!answer?.Result) throw new Error(`${action}: no Result in ${JSON.stringify(answer)}`);
  return answer.Result;
}

await run(async ({ key, secret, region, imageId }) => {
  const ecs = new Service({
    serviceName: 'ecs',
    defaultVersion: '2020-04-01',
    host: 'open.volcengineapi.com',
    protocol: 'http:',
    region,
    accessKeyId: key,
    secretKey: secret,
  });
  const describeImages = ecs.createAPI('DescribeImages', { method: 'GET' });
  const deleteImages = ecs.createAPI('DeleteImages', { method: 'GET' });

  const listed = resultOf(await describeImages({ Visibility: 'private', MaxResults: 100 }), 'DescribeImages');
  if (!listed.Images.some(i => i.ImageId === imageId)) throw new Error(`DescribeImages did not list ${imageId}`);

  const [image] = resultOf(await describeImages({ 'ImageIds.1': imageId }), 'DescribeImages').Images;
  const deletable = image?.Visibility === 'private' && ['available', 'error'].includes(image.Status) && image.ShareStatus !== 'Shared';
  if (!deletable) throw new Error(`${imageId} does not look deletable: ${JSON.stringify(image)}`);

  // DeleteBindedSnapshots defaults to true at the service: say false, as the module always does.
  const deleted = resultOf(await deleteImages({ 'ImageIds.1': imageId, DeleteBindedSnapshots: false }), 'DeleteImages');
  if (deleted.OperationDetails?.length) throw new Error(`DeleteImages refused: ${JSON.stringify(deleted.OperationDetails)}`);
  return { listed: listed.TotalCount, verdict: 'deletable', deleted: imageId };
});
