// Reading a stream of bytes (a container's download) into buffers of our own where the stream is
// a byte stream, as a browser's fetch body is: each read then lands in memory read into before,
// where the stream's own reads land in memory allocated for each, and fresh memory costs a page
// fault per 4 KiB on first touch (docs/architecture.md, "Performance of downloads").
//
// Not for a File's stream (an upload): Chromium's bring-your-own-buffer reads of a picked file
// sometimes never resolve, which left an upload waiting forever. Those are read with the
// stream's own reads (`streamReads`; docs/architecture.md, "Encrypting and uploading a file").

export interface ByteReads {
  /** The next bytes; null at the end of the stream. */
  next(): Promise<Uint8Array | null>;
  /**
   * Whether each read's whole buffer is ours (a bring-your-own-buffer reader), so it may be
   * given away even where the read fills only part of it.
   */
  readonly owned: boolean;
  /** The read's buffer is free again: the next read goes into it. Nothing where reads are not ours. */
  reuse(read: Uint8Array): void;
  /** Stops reading; never throws. */
  cancel(): Promise<void>;
}

/** Reads `stream` with its own reads, into memory it allocates for each. */
export function streamReads(stream: ReadableStream<Uint8Array>): ByteReads {
  const plain = stream.getReader();
  return {
    owned: false,
    next: async () => {
      const result = await plain.read();
      return result.done ? null : result.value;
    },
    reuse: () => undefined,
    cancel: () => plain.cancel().catch(() => undefined),
  };
}

/**
 * Reads `stream` into buffers of `bufferBytes`: the one last given to `reuse`, else one from
 * `spare`, else a new one. A stream that is not a byte stream is read with its own reads.
 */
export function byteReads(
  stream: ReadableStream<Uint8Array>,
  bufferBytes: number,
  spare: () => ArrayBuffer | undefined = () => undefined,
): ByteReads {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    return streamReads(stream);
  }
  let free: ArrayBuffer | undefined;
  return {
    owned: true,
    async next() {
      const into = free ?? spare() ?? new ArrayBuffer(bufferBytes);
      free = undefined;
      const result = await reader.read(new Uint8Array(into));
      return result.done ? null : result.value;
    },
    reuse(read) {
      free = read.buffer as ArrayBuffer;
    },
    cancel: () => reader.cancel().catch(() => undefined),
  };
}
