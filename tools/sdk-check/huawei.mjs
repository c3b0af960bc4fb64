// Huawei Cloud's official Node SDK core (@huaweicloud/huaweicloud-sdk-core: its HcClient, BasicCredentials and
// SDK-HMAC-SHA256 signer, which adds X-Project-Id; there is no IMS package for Node) against the IMS emulator.
// IMS has no DryRun: the check is the record-based verdict the module gives (own private image, not protected,
// not queued or saving), then the v2 delete and a list that no longer shows the image.
import { createRequire } from 'node:module';
import { run } from './loopback.mjs';

// The package's main exports only the credentials; ClientBuilder is its own CommonJS file.
const require = createRequire(import.meta.url);
const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core');
const { ClientBuilder } = require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder');

await run(async ({ key, secret, region, imageId }) => {
  const projectId = process.env.HUAWEICLOUD_SDK_PROJECT_ID;
  if (!projectId) throw new Error('HUAWEICLOUD_SDK_PROJECT_ID is not set');
  const credentials = new BasicCredentials().withAk(key).withSk(secret).withProjectId(projectId);
  // The cloud's real host name over plain http: loopback.mjs sends the connection to the emulator.
  const client = new ClientBuilder(hc => hc).withCredential(credentials).withEndpoint(`http://ims.${region}.myhuaweicloud.com`).build();
  const send = (method, url, queryParams = {}) =>
    client.sendRequest({ method, url, contentType: 'application/json', queryParams, pathParams: {}, headers: {} });

  const listed = await send('GET', '/v2/cloudimages', { __imagetype: 'private', limit: 100 });
  if (!listed.images?.some(i => i.id === imageId)) throw new Error(`ListImages did not list ${imageId}: ${JSON.stringify(listed)}`);

  const [image] = (await send('GET', '/v2/cloudimages', { id: imageId })).images;
  const deletable = image?.__imagetype === 'private' && image.owner === projectId && !image.protected && !['queued', 'saving', 'deleted'].includes(image.status);
  if (!deletable) throw new Error(`${imageId} does not look deletable: ${JSON.stringify(image)}`);

  const deleted = await send('DELETE', `/v2/images/${imageId}`);
  if (deleted.httpStatusCode !== undefined && deleted.httpStatusCode !== 204) throw new Error(`GlanceDeleteImage: HTTP ${deleted.httpStatusCode}`);
  const after = await send('GET', '/v2/cloudimages', { id: imageId });
  if (after.images?.length) throw new Error(`${imageId} is still listed after the delete`);
  return { listed: listed.images.length, verdict: 'deletable', deleted: imageId };
});
