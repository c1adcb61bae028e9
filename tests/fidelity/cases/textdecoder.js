// oracle: node workerd
// TextDecoder, data-driven: every label of the Encoding Standard (encodings.json, plus the labels
// workerd also knows) -> its encoding's name; each encoding decoding all 256 bytes with and without
// fatal; per-encoding valid and invalid byte sequences; BOM handling; streaming at every split point.
const LABELS = {
  "utf-8": ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"],
  "ibm866": ["866", "cp866", "csibm866", "ibm866"],
  "iso-8859-2": ["csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2", "iso_8859-2:1987", "l2", "latin2"],
  "iso-8859-3": ["csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593", "iso_8859-3", "iso_8859-3:1988", "l3", "latin3"],
  "iso-8859-4": ["csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594", "iso_8859-4", "iso_8859-4:1988", "l4", "latin4"],
  "iso-8859-5": ["csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso88595", "iso_8859-5", "iso_8859-5:1988"],
  "iso-8859-6": ["arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114", "iso-8859-6", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596", "iso_8859-6", "iso_8859-6:1987"],
  "iso-8859-7": ["csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7", "iso-ir-126", "iso8859-7", "iso88597", "iso_8859-7", "iso_8859-7:1987", "sun_eu_greek"],
  "iso-8859-8": ["csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e", "iso-ir-138", "iso8859-8", "iso88598", "iso_8859-8", "iso_8859-8:1988", "visual"],
  "iso-8859-8-i": ["csiso88598i", "iso-8859-8-i", "logical"],
  "iso-8859-10": ["csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910", "l6", "latin6"],
  "iso-8859-13": ["iso-8859-13", "iso8859-13", "iso885913"],
  "iso-8859-14": ["iso-8859-14", "iso8859-14", "iso885914"],
  "iso-8859-15": ["csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"],
  "iso-8859-16": ["iso-8859-16"],
  "koi8-r": ["cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"],
  "koi8-u": ["koi8-ru", "koi8-u"],
  "macintosh": ["csmacintosh", "mac", "macintosh", "x-mac-roman"],
  "windows-874": ["dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"],
  "windows-1250": ["cp1250", "windows-1250", "x-cp1250"],
  "windows-1251": ["cp1251", "windows-1251", "x-cp1251"],
  "windows-1252": ["ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252", "x-cp1252"],
  "windows-1253": ["cp1253", "windows-1253", "x-cp1253"],
  "windows-1254": ["cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9", "iso_8859-9:1989", "l5", "latin5", "windows-1254", "x-cp1254"],
  "windows-1255": ["cp1255", "windows-1255", "x-cp1255"],
  "windows-1256": ["cp1256", "windows-1256", "x-cp1256"],
  "windows-1257": ["cp1257", "windows-1257", "x-cp1257"],
  "windows-1258": ["cp1258", "windows-1258", "x-cp1258"],
  "x-mac-cyrillic": ["x-mac-cyrillic", "x-mac-ukrainian"],
  "gbk": ["chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk", "iso-ir-58", "x-gbk"],
  "gb18030": ["gb18030"],
  "big5": ["big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"],
  "euc-jp": ["cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"],
  "iso-2022-jp": ["csiso2022jp", "iso-2022-jp"],
  "shift_jis": ["csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"],
  "euc-kr": ["cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949"],
  "replacement": ["csiso2022kr", "hz-gb-2312", "iso-2022-cn", "iso-2022-cn-ext", "iso-2022-kr", "replacement"],
  "utf-16be": ["unicodefffe", "utf-16be"],
  "utf-16le": ["csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"],
  "x-user-defined": ["x-user-defined"],
};

// Byte sequences per encoding: valid text, then invalid or truncated input.
const SEQUENCES = {
  "utf-8": { text: "e282ac f09f9880 41 c3a9", invalid: "61 ff 62", overlong: "c0af", surrogate: "eda080", truncated: "e282", "truncated 4": "f09f98", "bad continuation": "e241ac", "f5 lead": "f5808080" },
  "utf-16le": { text: "4100ac20 3dd800de", odd: "410042", "lone low": "00dc4100", "bom only": "fffe" },
  "utf-16be": { text: "004120ac d83dde00", odd: "004100", "lone high at end": "0041d83d", "lone low": "dc000041" },
  "shift_jis": { text: "93fa967b8cea 41 b1", "lead then ascii": "9341", "truncated": "93", "lead 0x80": "80", "lead 0xa0": "a0", "fd-ff": "fdfeff", "user-defined": "f040" },
  "euc-jp": { text: "c6fccbdcb8ec 41 8eb1", "jis0212": "8fb0a1", "lead then ascii": "c641", truncated: "c6", "8e bad": "8e41", "lone 8f": "8f" },
  "iso-2022-jp": { text: "1b2442467c4b5c1b2842", katakana: "1b284931", "escape then nothing": "1b2442", "bad escape": "1b2443", "truncated pair": "1b244246", "byte over 7f": "80" },
  "gbk": { text: "d6d0cec4 41", euro: "80", "four-byte": "81308130", "lead then ascii": "d641", truncated: "d6", ff: "ff" },
  "gb18030": { text: "d6d0cec4 41", euro: "80", "four-byte": "81308130", supplementary: "95328236", "bad four-byte": "81308100", truncated: "8130", ff: "ff" },
  "big5": { text: "a4a4a4e5 41", hkscs: "8840", "combining pair": "8862", "lead then ascii": "a441", truncated: "a4", "80": "80" },
  "euc-kr": { text: "c7d1b1b9beee 41", "extended": "8141", "lead then ascii": "c741", truncated: "c7", "80": "80", ff: "ff" },
  "windows-1252": { text: "48e9 80 9f", "bom bytes": "efbbbf41" },
  "x-user-defined": { text: "41 80 ff" },
};

// Streaming: a text's bytes fed one byte at a time, and split in two at every point.
const STREAMS = {
  "utf-8": "efbbbf 41 e282ac f09f9880 c3a9",
  "utf-16le": "fffe 4100 ac20 3dd800de",
  "utf-16be": "feff 0041 20ac d83dde00",
  "shift_jis": "93fa967b8cea41",
  "euc-jp": "c6fccbdc8fb0a141",
  "iso-2022-jp": "1b2442467c4b5c1b284241",
  "gb18030": "d6d0cec49532823641",
  "big5": "a4a4a4e58862 41",
  "euc-kr": "c7d1b1b9beee41",
};

const bytes = (hex) => new Uint8Array(hex.replace(/ /g, "").match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
const units = (s) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i).toString(16).padStart(4, "0")).join(" ");
const all = new Uint8Array(256).map((_, i) => i);

const checks = {};
for (const [name, labels] of Object.entries(LABELS)) {
  for (const label of labels) checks[`label ${label}`] = () => new TextDecoder(label).encoding;
}
Object.assign(checks, {
  "label: ASCII case-insensitive": () => new TextDecoder("UTF-16BE").encoding,
  "label: ASCII whitespace trimmed": () => new TextDecoder("\t\n\f\r latin2 \r\n").encoding,
  "label: vertical tab is not ASCII whitespace": () => new TextDecoder("\vutf-8").encoding,
  "label: no-break space is not trimmed": () => new TextDecoder("\u00a0utf-8").encoding,
  "label: Kelvin sign is not k": () => new TextDecoder("\u212aoi8-r").encoding,
  "label: unknown": () => new TextDecoder("klingon").encoding,
  "label: unknown keeps whitespace in message": () => new TextDecoder(" nope ").encoding,
  "label: undefined is utf-8": () => new TextDecoder(undefined).encoding,
  "label: null": () => new TextDecoder(null).encoding,
  "label: object with toString": () => new TextDecoder({ toString: () => "ascii" }).encoding,
  "options: fatal and ignoreBOM": () => { const d = new TextDecoder("utf-16le", { fatal: 1, ignoreBOM: "yes" }); return [d.fatal, d.ignoreBOM]; },
  "options: defaults": () => { const d = new TextDecoder("koi8-r"); return [d.encoding, d.fatal, d.ignoreBOM]; },
  "decode: no input": () => new TextDecoder("shift_jis").decode(),
  "decode: ArrayBuffer": () => units(new TextDecoder("windows-1251").decode(bytes("c0c1c2").buffer)),
  "decode: DataView": () => units(new TextDecoder("utf-16le").decode(new DataView(bytes("00410042").buffer, 1, 2))),
  "decode: Uint16Array": () => units(new TextDecoder("utf-16le").decode(new Uint16Array([0x41, 0x20ac]))),
  "decode: string input": () => new TextDecoder("latin1").decode("abc"),
  "toStringTag": () => Object.prototype.toString.call(new TextDecoder("gbk")),
});
for (const name of Object.keys(LABELS)) {
  checks[`all bytes ${name}`] = () => units(new TextDecoder(name).decode(all));
  checks[`all bytes fatal ${name}`] = () => units(new TextDecoder(name, { fatal: true }).decode(all));
}
for (const [name, cases] of Object.entries(SEQUENCES)) {
  for (const [what, hex] of Object.entries(cases)) {
    checks[`${name} ${what}`] = () => units(new TextDecoder(name).decode(bytes(hex)));
    checks[`${name} ${what} fatal`] = () => units(new TextDecoder(name, { fatal: true }).decode(bytes(hex)));
  }
}
Object.assign(checks, {
  "bom: utf-8 stripped": () => units(new TextDecoder().decode(bytes("efbbbf41"))),
  "bom: utf-8 ignoreBOM keeps it": () => units(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes("efbbbf41"))),
  "bom: utf-8 only the first": () => units(new TextDecoder().decode(bytes("efbbbfefbbbf"))),
  "bom: utf-16le stripped": () => units(new TextDecoder("utf-16le").decode(bytes("fffe4100"))),
  "bom: utf-16le ignoreBOM": () => units(new TextDecoder("utf-16le", { ignoreBOM: true }).decode(bytes("fffe4100"))),
  "bom: utf-16be stripped": () => units(new TextDecoder("utf-16be").decode(bytes("feff0041"))),
  "bom: utf-16be bytes under utf-16le": () => units(new TextDecoder("utf-16le").decode(bytes("feff4100"))),
  "bom: utf-16le bytes under utf-16be": () => units(new TextDecoder("utf-16be").decode(bytes("fffe0041"))),
  "bom: utf-8 BOM under utf-16le is not a BOM": () => units(new TextDecoder("utf-16le").decode(bytes("efbbbf00"))),
  "bom: not stripped for legacy encodings": () => units(new TextDecoder("windows-1252").decode(bytes("efbbbf41"))),
  "bom: again after a complete decode": () => { const d = new TextDecoder(); return [d.decode(bytes("efbbbf41")), d.decode(bytes("efbbbf42"))].map(units); },
  "bom: only at the start of a stream": () => { const d = new TextDecoder("utf-16le"); return [d.decode(bytes("4100"), { stream: true }), d.decode(bytes("fffe4200"))].map(units); },
  "bom: split across chunks": () => { const d = new TextDecoder("utf-16be"); return [d.decode(bytes("fe"), { stream: true }), d.decode(bytes("ff0041"))].map(units); },
  "fatal: decoder usable after an error": () => { const d = new TextDecoder("utf-8", { fatal: true }); try { d.decode(bytes("ff")); } catch {} return d.decode(bytes("41")); },
  "fatal: stream error then fresh": () => { const d = new TextDecoder("shift_jis", { fatal: true }); d.decode(bytes("93"), { stream: true }); try { d.decode(bytes("41")); } catch (e) { return [e.name, d.decode(bytes("93fa"))].map(String).join(" ").length; } return "no error"; },
  "stream: pending bytes flushed as U+FFFD": () => { const d = new TextDecoder("utf-16le"); return units(d.decode(bytes("4100"), { stream: true }) + d.decode(bytes("42"), { stream: true }) + d.decode()); },
  "stream: pending lead byte flushed": () => { const d = new TextDecoder("gb18030"); return units(d.decode(bytes("8130"), { stream: true }) + d.decode()); },
  "stream: pending fatal flush throws": () => { const d = new TextDecoder("euc-kr", { fatal: true }); d.decode(bytes("c7"), { stream: true }); return d.decode(); },
  "stream: empty chunks": () => { const d = new TextDecoder("shift_jis"); return units(d.decode(bytes("93"), { stream: true }) + d.decode(new Uint8Array(0), { stream: true }) + d.decode(bytes("fa"))); },
});
for (const [name, hex] of Object.entries(STREAMS)) {
  const input = bytes(hex);
  checks[`stream ${name} whole`] = () => units(new TextDecoder(name).decode(input));
  checks[`stream ${name} byte by byte`] = () => {
    const d = new TextDecoder(name);
    let out = "";
    for (const b of input) out += d.decode(new Uint8Array([b]), { stream: true });
    return units(out + d.decode());
  };
  checks[`stream ${name} every split`] = () => {
    const results = new Set();
    for (let i = 0; i <= input.length; i++) {
      const d = new TextDecoder(name);
      results.add(units(d.decode(input.subarray(0, i), { stream: true }) + d.decode(input.subarray(i))));
    }
    return [...results];
  };
}

export default { async fetch() { return observe(checks); } };
