// Alibaba Cloud's official Node SDK (@alicloud/ecs20140526, ACS3 signing) against the Alibaba emulator.
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import * as $OpenApi from '@alicloud/openapi-client';
import { run } from './loopback.mjs';

const EcsClient = Ecs.default ?? Ecs;

await run(async ({ key, secret, region, imageId }) => {
  const client = new EcsClient(new $OpenApi.Config({
    accessKeyId: key,
    accessKeySecret: secret,
    regionId: region,
    endpoint: `ecs.${region}.aliyuncs.com`,
    protocol: 'HTTP',
  }));
  const listed = await client.describeImages(new $Ecs.DescribeImagesRequest({ regionId: region, imageOwnerAlias: 'self', pageSize: 100 }));
  const images = listed.body.images?.image ?? [];
  if (!images.some(i => i.imageId === imageId)) throw new Error(`DescribeImages did not list ${imageId}`);
  // A passing DryRun is an error answer (DryRunOperation) by design.
  try {
    await client.deleteImage(new $Ecs.DeleteImageRequest({ regionId: region, imageId, dryRun: true }));
    throw new Error('the DryRun delete succeeded instead of answering DryRunOperation');
  } catch (error) {
    if (error.code !== 'DryRunOperation') throw error;
  }
  await client.deleteImage(new $Ecs.DeleteImageRequest({ regionId: region, imageId, force: false }));
  return { listed: listed.body.totalCount, deleted: imageId };
});
