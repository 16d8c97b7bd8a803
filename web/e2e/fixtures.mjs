// Small files for the knowledge walk, made at run time: a markdown handbook with non-ASCII text
// before its chunks (so marking a chunk by byte offsets is really tested), a DOCX with heading
// styles (a zip holding word/document.xml, stored uncompressed) and a PNG the server refuses.

export const HANDBOOK = {
  name: "handbook.md",
  title: "Café handbook",
  text: [
    "# Café handbook für alle",
    "",
    "Grüße! This handbook is for everyone at the workshop — naïve questions welcome. ☕",
    "",
    "## Setup",
    "",
    "Install the Rust toolchain with rustup, then check it with cargo --version.",
    "Clone the workshop repository and build it once before the first session.",
    "",
    "## Ollama",
    "",
    "Pull the embedding model before indexing documents, and a chat model for the exercises.",
    "",
  ].join("\n"),
};

export const POLICIES = { name: "policies.docx", title: "Travel policies" };

const DOCX_BODY = [
  ["Heading1", "Policies"],
  [null, "Laptops must be encrypted before the workshop."],
  ["Heading2", "Travel"],
  [null, "Book trains before flights where the journey takes under six hours."],
]
  .map(([style, text]) => {
    const props = style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : "";
    return `<w:p>${props}<w:r><w:t>${text}</w:t></w:r></w:p>`;
  })
  .join("");

const DOCX_XML = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${DOCX_BODY}</w:body></w:document>`;

/** A 1×1 transparent PNG. */
export const PNG = {
  name: "diagram.png",
  bytes: Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "base64",
  ),
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zip archive of `files` ({name, data: Buffer}) without compression. */
function storedZip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of files) {
    const fileName = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The DOCX: two headings (Policies › Travel) and a paragraph under each. */
export function policiesDocx() {
  return storedZip([{ name: "word/document.xml", data: Buffer.from(DOCX_XML, "utf8") }]);
}
