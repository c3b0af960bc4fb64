// Sends every plain-http connection of this process to the emulator under test, whatever host the URL
// names. The official SDKs then build their URLs, Host headers and signatures for the cloud's real host
// name (a service name in the first label is part of some signatures), and the emulator answers.
import http from 'node:http';
import net from 'node:net';

export function routeToEmulator(port) {
  http.Agent.prototype.createConnection = function (_options, callback) {
    return net.createConnection({ host: '127.0.0.1', port }, callback);
  };
}

// What every check is given (by tests/ImageCmdlets.Tests/Emulators/OfficialSdkTests.cs).
export const target = {
  port: Number(process.env.EMULATOR_PORT),
  key: process.env.EMULATOR_KEY,
  secret: process.env.EMULATOR_SECRET,
  region: process.env.EMULATOR_REGION,
  imageId: process.env.IMAGE_ID,
};

export async function run(check) {
  try {
    routeToEmulator(target.port);
    const result = await check(target);
    console.log(JSON.stringify(result));
  } catch (error) {
    console.error(error?.stack ?? String(error));
    process.exit(1);
  }
}
