// Creates a blob container in Azurite, signed with the emulator's
// well-known account and key (public, documented by Microsoft). The store
// tests run it with Node.js; chunksynth itself never creates containers.
// Usage: node azurite_container.js PORT CONTAINER
const crypto = require('crypto');
const http = require('http');
const [port, container] = process.argv.slice(2);
const account = 'devstoreaccount1';
const key = Buffer.from(
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  'base64',
);
const date = new Date().toUTCString();
const version = '2021-08-06';
const toSign = `PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:${date}\nx-ms-version:${version}\n/${account}/${account}/${container}\nrestype:container`;
const signature = crypto.createHmac('sha256', key).update(toSign, 'utf8').digest('base64');
const request = http.request(
  {
    host: '127.0.0.1',
    port,
    method: 'PUT',
    path: `/${account}/${container}?restype=container`,
    headers: {
      'x-ms-date': date,
      'x-ms-version': version,
      Authorization: `SharedKey ${account}:${signature}`,
      'Content-Length': 0,
    },
  },
  (response) => {
    response.resume();
    response.on('end', () => process.exit([201, 409].includes(response.statusCode) ? 0 : 1));
  },
);
request.on('error', (e) => {
  console.error(e.message);
  process.exit(1);
});
request.end();
