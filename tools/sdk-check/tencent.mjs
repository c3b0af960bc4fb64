// Tencent Cloud's official Node SDK (tencentcloud-sdk-nodejs-cvm) against the Tencent emulator.
import tencentcloud from 'tencentcloud-sdk-nodejs-cvm';
import { run } from './loopback.mjs';

await run(async ({ key, secret, region, imageId }) => {
  const client = new tencentcloud.cvm.v20170312.Client({
    credential: { secretId: key, secretKey: secret },
    region,
    profile: { httpProfile: { endpoint: 'cvm.tencentcloudapi.com', protocol: 'http://' } },
  });
  const listed = await client.DescribeImages({ Filters: [{ Name: 'image-type', Values: ['PRIVATE_IMAGE'] }], Limit: 100 });
  if (!listed.ImageSet.some(i => i.ImageId === imageId)) throw new Error(`DescribeImages did not list ${imageId}`);
  await client.DeleteImages({ ImageIds: [imageId], DryRun: true });
  await client.DeleteImages({ ImageIds: [imageId], DeleteBindedSnap: false });
  return { listed: listed.TotalCount, deleted: imageId };
});
