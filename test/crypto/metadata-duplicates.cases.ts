// Sealed metadata whose JSON names a key twice (docs/protocol.md §5). JSON.parse keeps the last
// value; a reader elsewhere may keep the first, so one signed file could show two names. The
// bytes here are authentic (sealed under the right file key and id): only the JSON is wrong,
// as a malicious sender or a server holding a file key would write it.
import {
  concatBytes,
  deriveKey,
  encodeFields,
  FormatError,
  KDF_CONTEXT,
  KIND,
  newFileKey,
  newId,
  openMetadata,
  randomBytes,
  SUBKEY,
  TAG,
  utf8,
  type FileKey,
  type Id,
} from '../../shared/crypto/index.js';
import { sodium } from '../../shared/crypto/sodium.js';
import { assertEqual, assertThrows, defineSuite } from './harness.js';

/** Any JSON text sealed exactly as sealMetadata seals what it writes (padding, header, nonce, AEAD). */
function sealJson(fileKey: FileKey, fileId: Id, json: string): Uint8Array {
  const header = new Uint8Array([0x43, 0x46, 0x01, KIND.metadata]);
  const key = deriveKey(fileKey, KDF_CONTEXT.file, SUBKEY.file.metadata);
  const nonce = randomBytes(24);
  const ad = encodeFields([TAG.metadata, header, fileId]);
  const padded = sodium().pad(utf8(json), 256);
  return concatBytes(header, nonce, sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(padded, ad, null, nonce, key));
}

const rest = '"type":"application/pdf","size":5,"lastModified":1780000000000';

export const metadataDuplicateCases = defineSuite('metadata duplicate keys', {
  'a key named twice is refused, whichever key and however it is spelled'() {
    const fileKey = newFileKey();
    const fileId = newId();
    const open = (json: string) => () => openMetadata(fileKey, fileId, sealJson(fileKey, fileId, json));
    // The control: the same bytes with the key once open.
    assertEqual(open(`{"v":1,"name":"a.pdf",${rest}}`)().name, 'a.pdf', 'one name opens');
    const duplicates: Record<string, string> = {
      'two names': `{"v":1,"name":"a.pdf","name":"b.exe",${rest}}`,
      'the same name twice': `{"v":1,"name":"a.pdf","name":"a.pdf",${rest}}`,
      'two versions': `{"v":1,"v":1,"name":"a.pdf",${rest}}`,
      'two sizes, far apart': `{"v":1,"size":1,"name":"a.pdf",${rest}}`,
      'two messages': `{"v":1,"name":"a.pdf",${rest},"message":"x","message":"y"}`,
      'the second spelled with an escape': `{"v":1,"name":"a.pdf","na\\u006de":"b.exe",${rest}}`,
      'white space around the colon': `{ "v" : 1 , "name" : "a.pdf" ,\n\t"name"\r\n:"b.exe", ${rest} }`,
    };
    for (const [label, json] of Object.entries(duplicates)) assertThrows(open(json), FormatError, label);
  },

  'strings that only look like keys are not counted'() {
    const fileKey = newFileKey();
    const fileId = newId();
    const open = (json: string) => openMetadata(fileKey, fileId, sealJson(fileKey, fileId, json));
    // A value equal to a key name, a quote and a colon inside a string, an escaped backslash
    // before the closing quote: none of them is a second key.
    assertEqual(open(`{"v":1,"name":"name",${rest}}`).name, 'name', 'a value spelled like a key');
    assertEqual(
      open(`{"v":1,"name":"a.pdf",${rest},"message":"\\"name\\": \\"b.exe\\""}`).message,
      '"name": "b.exe"',
      'a quoted key and colon inside the message',
    );
    assertEqual(
      open(`{"v":1,"name":"a\\\\",${rest},"message":"name"}`).name,
      'a\\',
      'an escaped backslash before a closing quote',
    );
  },
});
