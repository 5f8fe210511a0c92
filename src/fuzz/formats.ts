/**
 * Structure of the four containers the decoders accept, as far as the fuzzer needs it: where the
 * units (RIFF chunks, FLAC metadata blocks and frames, Ogg pages, MP3 frames) start and end, so a
 * file can be cut exactly at each boundary, and where the header fields are, so they can be made
 * to lie. The parsers are lenient (they stop at the first thing they do not understand) because
 * they only run on our own seed files; they never feed the product code.
 */

export type Format = 'wav' | 'flac' | 'mp3' | 'ogg';

/** One structural unit: bytes [start, end) of the file, its header being [start, bodyStart). */
export interface Unit {
  label: string;
  start: number;
  bodyStart: number;
  end: number;
}

/** A header field a mutation may overwrite with a lie. */
export interface Field {
  label: string;
  /** Byte offset of the field; for bit fields, of the first byte holding it. */
  offset: number;
  /** Width in bits (8/16/24/32/64 byte-aligned, or a bit field inside `offset`...). */
  bits: number;
  /** For bit fields: bit position of the field's most significant bit, counted from the MSB of byte `offset`. */
  bitPos?: number;
  littleEndian?: boolean;
  /** Values worth trying: extremes, zero, one past a limit. */
  lies: number[];
  /** The Ogg page or FLAC frame header whose checksum covers this field, to re-seal after a write. */
  seal?: { kind: 'ogg'; pageStart: number } | { kind: 'flac-frame'; start: number; crcAt: number };
}

export interface Structure {
  format: Format;
  units: Unit[];
  fields: Field[];
}

const ascii = (b: Uint8Array, at: number, n = 4): string => String.fromCharCode(...b.subarray(at, at + n));
const u32le = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const U32 = 0xffffffff;

/** Units and fields of a seed file. Formats are told by the caller (seeds are known). */
export function parseStructure(b: Uint8Array, format: Format): Structure {
  switch (format) {
    case 'wav':
      return wavStructure(b);
    case 'flac':
      return flacStructure(b);
    case 'ogg':
      return oggStructure(b);
    case 'mp3':
      return mp3Structure(b);
  }
}

/**
 * Every offset worth cutting at: each unit's start, body start and end, de-duplicated, sorted.
 * Audio frames are alike after the first few, so only the first four and the last two count.
 */
export function boundaries(s: Structure, length: number): number[] {
  const frames = s.units.filter((u) => u.label.startsWith('frame '));
  const skip = new Set(frames.slice(4, Math.max(4, frames.length - 2)));
  const set = new Set<number>();
  for (const u of s.units) {
    if (skip.has(u)) continue;
    for (const o of [u.start, u.bodyStart, u.end]) if (o >= 0 && o < length) set.add(o);
  }
  return [...set].sort((a, c) => a - c);
}

// ---- WAV ---------------------------------------------------------------------------------------

function wavStructure(b: Uint8Array): Structure {
  const units: Unit[] = [{ label: 'RIFF header', start: 0, bodyStart: 12, end: 12 }];
  const fields: Field[] = [{ label: 'RIFF size', offset: 4, bits: 32, littleEndian: true, lies: [0, 4, U32, b.length + 1000] }];
  let pos = 12;
  while (pos + 8 <= b.length) {
    const id = ascii(b, pos);
    const size = u32le(b, pos + 4);
    const body = pos + 8;
    const end = Math.min(b.length, body + size + (size & 1));
    units.push({ label: `chunk '${id.trim()}'`, start: pos, bodyStart: body, end });
    if (id === 'fmt ') {
      const le = { littleEndian: true };
      fields.push(
        { label: 'fmt size', offset: pos + 4, bits: 32, ...le, lies: [0, 14, 18, 40, U32] },
        { label: 'format tag', offset: body, bits: 16, ...le, lies: [0, 2, 3, 6, 7, 0x11, 0x55, 0xfffe, 0xffff] },
        { label: 'channels', offset: body + 2, bits: 16, ...le, lies: [0, 3, 8, 64, 65, 255, 65535] },
        // Odd rates make the resampler's kernel large (gcd with 16 kHz is 1).
        { label: 'sample rate', offset: body + 4, bits: 32, ...le, lies: [0, 1, 3999, 8000, 44101, 96001, 767999, 768000, 768001, 0x7fffffff, U32] },
        { label: 'byte rate', offset: body + 8, bits: 32, ...le, lies: [0, U32] },
        { label: 'block align', offset: body + 12, bits: 16, ...le, lies: [0, 1, 3, 65535] },
        { label: 'bits per sample', offset: body + 14, bits: 16, ...le, lies: [0, 1, 4, 12, 24, 32, 64, 65535] },
      );
    } else if (id === 'data') {
      fields.push({
        label: 'data size',
        offset: pos + 4,
        bits: 32,
        littleEndian: true,
        // 0, odd, one byte more than the file holds, and huge.
        lies: [0, 1, 3, b.length - body + 1, b.length * 4, 0x7fffffff, U32],
      });
    } else {
      fields.push({ label: `'${id.trim()}' size`, offset: pos + 4, bits: 32, littleEndian: true, lies: [0, U32, U32 - 8, 0x7ffffff0] });
    }
    pos = body + size + (size & 1);
  }
  return { format: 'wav', units, fields };
}

// ---- FLAC --------------------------------------------------------------------------------------

function flacStructure(b: Uint8Array): Structure {
  const units: Unit[] = [{ label: 'fLaC marker', start: 0, bodyStart: 4, end: 4 }];
  const fields: Field[] = [];
  let pos = 4;
  let last = false;
  while (!last && pos + 4 <= b.length) {
    const type = b[pos] & 0x7f;
    last = (b[pos] & 0x80) !== 0;
    const len = (b[pos + 1] << 16) | (b[pos + 2] << 8) | b[pos + 3];
    const body = pos + 4;
    units.push({ label: `metadata block ${type}`, start: pos, bodyStart: body, end: Math.min(b.length, body + len) });
    fields.push(
      { label: `block ${type} type`, offset: pos, bits: 8, lies: [0x7f, 0xff, 0x00, 0x80, 0x06] },
      { label: `block ${type} length`, offset: pos + 1, bits: 24, lies: [0, 1, 33, 0xffffff, len + 1] },
    );
    if (type === 0 && len >= 34) {
      fields.push(
        { label: 'min block size', offset: body, bits: 16, lies: [0, 1, 15, 65535] },
        { label: 'max block size', offset: body + 2, bits: 16, lies: [0, 1, 65535] },
        { label: 'max frame size', offset: body + 7, bits: 24, lies: [0, 0xffffff] },
        { label: 'sample rate', offset: body + 10, bits: 20, bitPos: 0, lies: [0, 1, 3999, 655350, 0xfffff] },
        // Stored as channels - 1 and bits - 1 in 3 and 5 bits: 8 channels, 1 and 32 bits.
        { label: 'channels-1', offset: body + 12, bits: 3, bitPos: 4, lies: [7, 2, 0] },
        { label: 'bits-1', offset: body + 12, bits: 5, bitPos: 7, lies: [0, 2, 31, 23] },
        { label: 'total samples', offset: body + 13, bits: 36, bitPos: 4, lies: [0, 1, 2 ** 36 - 1, 2 ** 33] },
      );
    }
    pos = body + len;
  }
  // Audio frames: found by their sync code and checked with the header CRC-8.
  const frames: number[] = [];
  for (let i = pos; i + 6 < b.length; i++) {
    if (b[i] === 0xff && (b[i + 1] & 0xfe) === 0xf8) {
      const hl = flacFrameHeaderLength(b, i);
      if (hl > 0) {
        frames.push(i);
        const crcAt = i + hl - 1;
        const seal = { kind: 'flac-frame' as const, start: i, crcAt };
        if (frames.length <= 3)
          fields.push(
            { label: `frame ${frames.length} block size code`, offset: i + 2, bits: 4, bitPos: 0, lies: [0, 6, 7, 15], seal },
            { label: `frame ${frames.length} sample rate code`, offset: i + 2, bits: 4, bitPos: 4, lies: [0, 12, 13, 15], seal },
            { label: `frame ${frames.length} channel assignment`, offset: i + 3, bits: 4, bitPos: 0, lies: [7, 10, 11, 15], seal },
            { label: `frame ${frames.length} sample size code`, offset: i + 3, bits: 3, bitPos: 4, lies: [3, 7, 0], seal },
          );
        i += hl;
      }
    }
  }
  frames.forEach((start, k) => units.push({ label: `frame ${k + 1}`, start, bodyStart: start + 4, end: frames[k + 1] ?? b.length }));
  return { format: 'flac', units, fields };
}

/** Length of a valid FLAC frame header at `i` (CRC-8 checked), or 0. */
function flacFrameHeaderLength(b: Uint8Array, i: number): number {
  const bsCode = b[i + 2] >> 4;
  const srCode = b[i + 2] & 0x0f;
  if (bsCode === 0 || srCode === 15 || (b[i + 3] >> 4) > 10 || (b[i + 3] & 1) !== 0) return 0;
  // UTF-8-style coded frame/sample number.
  let p = i + 4;
  const lead = b[p];
  let extra = 0;
  if (lead < 0x80) extra = 0;
  else if ((lead & 0xe0) === 0xc0) extra = 1;
  else if ((lead & 0xf0) === 0xe0) extra = 2;
  else if ((lead & 0xf8) === 0xf0) extra = 3;
  else if ((lead & 0xfc) === 0xf8) extra = 4;
  else if ((lead & 0xfe) === 0xfc) extra = 5;
  else if (lead === 0xfe) extra = 6;
  else return 0;
  p += 1 + extra;
  if (bsCode === 6) p += 1;
  else if (bsCode === 7) p += 2;
  if (srCode === 12) p += 1;
  else if (srCode === 13 || srCode === 14) p += 2;
  if (p >= b.length) return 0;
  return crc8(b, i, p) === b[p] ? p - i + 1 : 0;
}

/** FLAC frame header CRC-8 (polynomial 0x07) over bytes [from, to). */
export function crc8(b: Uint8Array, from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) {
    c ^= b[i];
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
}

// ---- Ogg ---------------------------------------------------------------------------------------

function oggStructure(b: Uint8Array): Structure {
  const units: Unit[] = [];
  const fields: Field[] = [];
  let pos = 0;
  let page = 0;
  while (pos + 27 <= b.length && ascii(b, pos) === 'OggS') {
    const nseg = b[pos + 26];
    const body = pos + 27 + nseg;
    if (body > b.length) break;
    let len = 0;
    for (let k = 0; k < nseg; k++) len += b[pos + 27 + k];
    const end = Math.min(b.length, body + len);
    units.push({ label: `page ${page}`, start: pos, bodyStart: body, end });
    const seal = { kind: 'ogg' as const, pageStart: pos };
    if (page < 3 || end === b.length) {
      fields.push(
        { label: `page ${page} version`, offset: pos + 4, bits: 8, lies: [1, 255], seal },
        { label: `page ${page} header type`, offset: pos + 5, bits: 8, lies: [0, 1, 2, 4, 7, 255], seal },
        { label: `page ${page} granule`, offset: pos + 6, bits: 64, littleEndian: true, lies: [0, -1, 2 ** 62], seal },
        { label: `page ${page} serial`, offset: pos + 14, bits: 32, littleEndian: true, lies: [0, 0xdeadbeef], seal },
        { label: `page ${page} sequence`, offset: pos + 18, bits: 32, littleEndian: true, lies: [0, 100, U32], seal },
        { label: `page ${page} segment count`, offset: pos + 26, bits: 8, lies: [0, 1, 255], seal },
      );
      if (nseg > 0) fields.push({ label: `page ${page} lacing[0]`, offset: pos + 27, bits: 8, lies: [0, 255], seal });
    }
    if (page === 0) codecHeaderFields(b, body, end, seal, fields);
    pos = end;
    page++;
  }
  return { format: 'ogg', units, fields };
}

function codecHeaderFields(b: Uint8Array, body: number, end: number, seal: Field['seal'], fields: Field[]): void {
  if (end - body >= 19 && ascii(b, body, 8) === 'OpusHead') {
    fields.push(
      { label: 'OpusHead version', offset: body + 8, bits: 8, lies: [0, 16, 255], seal },
      { label: 'OpusHead channels', offset: body + 9, bits: 8, lies: [0, 2, 8, 255], seal },
      { label: 'OpusHead pre-skip', offset: body + 10, bits: 16, littleEndian: true, lies: [0, 65535], seal },
      { label: 'OpusHead input rate', offset: body + 12, bits: 32, littleEndian: true, lies: [0, 1, U32], seal },
      { label: 'OpusHead gain', offset: body + 16, bits: 16, littleEndian: true, lies: [0x7fff, 0x8000], seal },
      { label: 'OpusHead mapping family', offset: body + 18, bits: 8, lies: [1, 2, 255], seal },
    );
  } else if (end - body >= 30 && ascii(b, body + 1, 6) === 'vorbis') {
    fields.push(
      { label: 'Vorbis version', offset: body + 7, bits: 32, littleEndian: true, lies: [1, U32], seal },
      { label: 'Vorbis channels', offset: body + 11, bits: 8, lies: [0, 8, 255], seal },
      { label: 'Vorbis sample rate', offset: body + 12, bits: 32, littleEndian: true, lies: [0, 1, 3999, 96001, 767999, 768001, 134261828, U32], seal },
      { label: 'Vorbis block sizes', offset: body + 28, bits: 8, lies: [0x00, 0xff, 0x66, 0xb8], seal },
      { label: 'Vorbis framing bit', offset: body + 29, bits: 8, lies: [0], seal },
    );
  }
}

const OGG_CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** Recomputes the CRC of the Ogg page at `start` in place (so a lie gets past the page check). */
export function resealOggPage(b: Uint8Array, start: number): void {
  if (start + 27 > b.length) return;
  const nseg = b[start + 26];
  let len = 27 + nseg;
  for (let k = 0; k < nseg && start + 27 + k < b.length; k++) len += b[start + 27 + k];
  const end = Math.min(b.length, start + len);
  b.fill(0, start + 22, start + 26);
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) ^ OGG_CRC_TABLE[((crc >>> 24) ^ b[i]) & 0xff]) >>> 0;
  b[start + 22] = crc & 0xff;
  b[start + 23] = (crc >>> 8) & 0xff;
  b[start + 24] = (crc >>> 16) & 0xff;
  b[start + 25] = (crc >>> 24) & 0xff;
}

// ---- MP3 ---------------------------------------------------------------------------------------

const MP3_BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MP3_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

function mp3Structure(b: Uint8Array): Structure {
  const units: Unit[] = [];
  const fields: Field[] = [];
  let pos = 0;
  if (b.length >= 10 && ascii(b, 0, 3) === 'ID3') {
    const size = ((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f);
    units.push({ label: 'ID3v2 tag', start: 0, bodyStart: 10, end: Math.min(b.length, 10 + size) });
    fields.push({ label: 'ID3 size', offset: 6, bits: 32, lies: [0, 0x7f7f7f7f, 0x00000101] });
    pos = 10 + size;
  }
  let n = 0;
  while (pos + 4 <= b.length && b[pos] === 0xff && (b[pos + 1] & 0xe0) === 0xe0) {
    const version = (b[pos + 1] >> 3) & 3; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5
    const layer = (b[pos + 1] >> 1) & 3; // 1 = layer III
    const brIdx = b[pos + 2] >> 4;
    const srIdx = (b[pos + 2] >> 2) & 3;
    const pad = (b[pos + 2] >> 1) & 1;
    if (layer !== 1 || version === 1 || brIdx === 0 || brIdx === 15 || srIdx === 3) break;
    const rate = MP3_RATES[version][srIdx];
    const kbps = (version === 3 ? MP3_BITRATES_V1_L3 : MP3_BITRATES_V2_L3)[brIdx];
    const len = Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + pad;
    if (len < 4) break;
    units.push({ label: `frame ${n + 1}`, start: pos, bodyStart: pos + 4, end: Math.min(b.length, pos + len) });
    if (n < 2) {
      fields.push(
        { label: `frame ${n + 1} version/layer`, offset: pos + 1, bits: 4, bitPos: 3, lies: [0b0100, 0b1100, 0b1110, 0b1000] },
        { label: `frame ${n + 1} bitrate index`, offset: pos + 2, bits: 4, bitPos: 0, lies: [0, 1, 15] },
        { label: `frame ${n + 1} sample rate index`, offset: pos + 2, bits: 2, bitPos: 4, lies: [3, 2] },
        { label: `frame ${n + 1} channel mode`, offset: pos + 3, bits: 2, bitPos: 0, lies: [3, 1] },
      );
      const tag = findXing(b, pos, pos + len);
      if (tag >= 0 && b[tag + 7] & 1) fields.push({ label: 'Xing frame count', offset: tag + 8, bits: 32, lies: [0, 1, U32, 0x7fffffff] });
    }
    pos += len;
    n++;
  }
  return { format: 'mp3', units, fields };
}

function findXing(b: Uint8Array, from: number, to: number): number {
  for (let i = from + 4; i + 12 <= to; i++) {
    const id = ascii(b, i);
    if (id === 'Xing' || id === 'Info') return i;
  }
  return -1;
}

// ---- writing fields ----------------------------------------------------------------------------

/** Writes `value` into `f` (big-endian unless littleEndian; bit fields MSB-first) and re-seals if asked. */
export function writeField(b: Uint8Array, f: Field, value: number, reseal: boolean): void {
  if (f.bitPos !== undefined) {
    // Bit field: `bits` bits starting `bitPos` bits into byte `offset`, big-endian bit order.
    let v = BigInt(Math.max(0, Math.floor(value)));
    for (let k = f.bits - 1; k >= 0; k--) {
      const bitIndex: number = f.bitPos + k; // position from the MSB of byte `offset`
      const byte = f.offset + (bitIndex >> 3);
      if (byte >= b.length) continue;
      const mask = 0x80 >> (bitIndex & 7);
      if (v & 1n) b[byte] |= mask;
      else b[byte] &= ~mask;
      v >>= 1n;
    }
  } else {
    const n = f.bits / 8;
    // Negative values mean "all ones" in two's complement (e.g. granule -1).
    let v = value < 0 ? (1n << BigInt(f.bits)) + BigInt(value) : BigInt(Math.floor(value));
    for (let k = 0; k < n; k++) {
      const at = f.littleEndian ? f.offset + k : f.offset + n - 1 - k;
      if (at < b.length) b[at] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  if (!reseal || !f.seal) return;
  if (f.seal.kind === 'ogg') resealOggPage(b, f.seal.pageStart);
  else if (f.seal.crcAt < b.length) b[f.seal.crcAt] = crc8(b, f.seal.start, f.seal.crcAt);
}
