// The loop a user writes with Alibaba Cloud's official Node SDK: one DeleteImage per id, one after another.
// Run by bench/run.ps1 against the Alibaba emulator (the ids, one per line, in the file IMAGE_IDS_FILE);
// prints {"seconds":…,"deleted":…,"errors":…}.
import { readFileSync } from 'node:fs';
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import * as $OpenApi from '@alicloud/openapi-client';
import { run } from './loopback.mjs';

const EcsClient = Ecs.default ?? Ecs;

await run(async ({ key, secret, region }) => {
  const ids = readFileSync(process.env.IMAGE_IDS_FILE, 'utf8').split('\n').map(l => l.trim()).filter(Boolean);
  const client = new EcsClient(new $OpenApi.Config({
    accessKeyId: key, accessKeySecret: secret, regionId: region, endpoint: `ecs.${region}.aliyuncs.com`, protocol: 'HTTP',
  }));
  const started = process.hrtime.bigint();
  let deleted = 0, errors = 0;
  for (const imageId of ids) {
    try {
      await client.deleteImage(new $Ecs.DeleteImageRequest({ regionId: region, imageId, force: false }));
      deleted++;
    } catch {
      errors++;
    }
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, deleted, errors };
});
