// Documents and collections (issue 13): the instructor (made in `content.mjs`) creates a
// collection with the fake Ollama's embedding model, uploads a markdown file (picked) and a
// DOCX (dropped) into it — and the PDF fixture of the documents crate when it exists —,
// watches their indexing jobs reach done, searches in the playground and opens a result's chunk
// marked in its document, sees the 415 of a PNG and the 413 of a file over the limit, changes
// the chunking (a rebuild) and deletes a document.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { INSTRUCTOR } from "./content.mjs";
import { HANDBOOK, PNG, POLICIES, policiesDocx } from "./fixtures.mjs";

const COLLECTION = "Workshop knowledge";
const PDF_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../../crates/documents/tests/fixtures");

/** The documents crate's PDF fixtures, when that branch has been merged. */
function pdfFixtures() {
  if (!existsSync(PDF_FIXTURES)) return [];
  return readdirSync(PDF_FIXTURES)
    .filter((f) => f.toLowerCase().endsWith(".pdf"))
    .map((f) => join(PDF_FIXTURES, f));
}

export async function knowledgeSteps(ctx) {
  const { page, step, go, signIn, signOut, signedInAs, answerDialog, shot } = ctx;
  const notice = (text) => page.getByText(text, { exact: true }).first().waitFor();
  const uploadForm = () => page.getByRole("region", { name: "Upload a document" });
  const openCollection = async () => {
    await go("Collections");
    await page.getByRole("list", { name: "Collections" }).getByRole("button", { name: new RegExp(COLLECTION) }).click();
    await page.getByRole("heading", { level: 2, name: `Documents in “${COLLECTION}”` }).waitFor();
  };
  /** Sends the upload form and waits for its notice. */
  const sendUpload = async (title) => {
    await uploadForm().getByLabel("Title").fill(title);
    await uploadForm().getByLabel("Visibility").selectOption("org");
    await uploadForm().getByLabel("Add to collection").selectOption({ label: COLLECTION });
    await uploadForm().getByRole("button", { name: "Upload", exact: true }).click();
    await notice(`Uploaded “${title}”. Indexing into “${COLLECTION}” has started.`);
    await page.getByRole("heading", { level: 2, name: title }).waitFor();
  };
  const uploaded = [HANDBOOK.title, POLICIES.title];

  await step("the instructor creates a collection: all-minilm, markdown chunks, organization-wide", async () => {
    await signOut();
    await signIn(INSTRUCTOR);
    await signedInAs(INSTRUCTOR.email);
    await go("Collections");
    await page.getByText("No collections yet.").waitFor();
    await page.getByRole("button", { name: "New collection" }).click();
    const editor = page.getByRole("region", { name: "New collection" });
    await editor.getByLabel("Collection name").fill(COLLECTION);
    await page.waitForFunction(() => [...document.querySelectorAll("select")].some((s) => s.value === "all-minilm:latest"));
    await editor.getByLabel("Strategy").selectOption("markdown");
    await editor.getByLabel("Chunk size").fill("200");
    await editor.getByLabel("Overlap").fill("100");
    await editor.getByText("Must be less than half of the size (under 100).").waitFor();
    if (await editor.getByRole("button", { name: "Create collection" }).isEnabled()) throw new Error("an overlap of half the size can be sent");
    await editor.getByLabel("Overlap").fill("20");
    await editor.getByLabel("Visibility").selectOption("org");
    await shot("40-collection-new");
    await editor.getByRole("button", { name: "Create collection" }).click();
    await notice(`Created “${COLLECTION}”.`);
    await page.getByText("No documents yet: add or upload one.").waitFor();
  });

  await step("the instructor uploads a markdown file (picked) and a DOCX (dropped) into it", async () => {
    await page.getByRole("button", { name: "Upload a new document into it" }).click();
    await page.getByRole("heading", { level: 1, name: "Documents" }).waitFor();
    await uploadForm().getByLabel("File", { exact: true }).setInputFiles({
      name: HANDBOOK.name,
      mimeType: "text/markdown",
      buffer: Buffer.from(HANDBOOK.text, "utf8"),
    });
    await uploadForm().getByLabel("Tags").fill("handbook, setup");
    await shot("41-document-upload");
    await sendUpload(HANDBOOK.title);
    await page.getByRole("definition").filter({ hasText: /^Markdown$/ }).waitFor();

    await page.getByRole("button", { name: "Upload document" }).click();
    const dataTransfer = await page.evaluateHandle(
      ({ name, base64 }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, { type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }));
        return dt;
      },
      { name: POLICIES.name, base64: policiesDocx().toString("base64") },
    );
    await uploadForm().getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });
    await uploadForm().getByText(new RegExp(`^${POLICIES.name} · `)).waitFor();
    await sendUpload(POLICIES.title);
    await page.getByRole("definition").filter({ hasText: /^DOCX$/ }).waitFor();
  });

  const pdfs = pdfFixtures();
  const pdfNote = pdfs.length ? `${pdfs.length} found` : "none present: skipped";
  await step(`the PDF fixtures of the documents crate are uploaded too, their chunks with pages (${pdfNote})`, async () => {
    for (const [i, path] of pdfs.entries()) {
      const title = `PDF fixture ${i + 1}`;
      await page.getByRole("button", { name: "Upload document" }).click();
      await uploadForm().getByLabel("File", { exact: true }).setInputFiles(path);
      await sendUpload(title);
      await page.getByRole("definition").filter({ hasText: /^PDF$/ }).waitFor();
      await page.getByRole("list", { name: "Chunks" }).getByText(/^page \d+/).first().waitFor();
      uploaded.push(title);
    }
  });

  await step("the collection shows each document's indexing reach done", async () => {
    await openCollection();
    const members = page.getByRole("table", { name: "Collection documents" });
    for (const title of uploaded) {
      await members.getByRole("row").filter({ hasText: title }).getByText(/^done: \d+ chunks?$/).waitFor({ timeout: 30_000 });
    }
    await page.locator(".collection-summary").filter({ hasText: "384 dimensions" }).waitFor();
    await shot("42-collection-indexed");
  });

  let resultText = "";
  await step("a search in the playground finds the handbook's chunk with its heading path", async () => {
    const playground = page.getByRole("region", { name: "Search playground" });
    await playground.getByLabel("Query").fill("rustup toolchain");
    await playground.getByRole("button", { name: "Search" }).click();
    const first = playground.getByRole("listitem", { name: `Result 1: ${HANDBOOK.title}` });
    await first.waitFor();
    // Markdown chunks end where sections do: the Setup chunk sits under both headings.
    await first.locator(".result-position").filter({ hasText: "Café handbook für alle › Setup" }).waitFor();
    await first.getByText(/^score \d/).waitFor();
    resultText = (await first.locator(".chunk-text").textContent()) ?? "";
    if (!resultText.includes("rustup")) throw new Error(`first result: ${resultText}`);
    await shot("43-search-playground");
    await first.getByRole("button", { name: "Open in document" }).click();
  });

  await step("the result opens its document with the chunk marked in the text (non-ASCII before it)", async () => {
    await page.getByRole("heading", { level: 1, name: "Documents" }).waitFor();
    await page.getByRole("heading", { level: 2, name: HANDBOOK.title }).waitFor();
    const marked = page.getByTestId("highlighted-chunk");
    await marked.waitFor();
    const text = await marked.textContent();
    if (text !== resultText) throw new Error(`marked ${JSON.stringify(text)}, the result was ${JSON.stringify(resultText)}`);
    await page.getByText(/^Marked: search result · Café handbook für alle › Setup/).waitFor();
    await shot("44-document-chunk-marked");
  });

  await step("a PNG is refused with the server's 415 message", async () => {
    await page.getByRole("button", { name: "Upload document" }).click();
    await uploadForm().getByLabel("File", { exact: true }).setInputFiles({ name: PNG.name, mimeType: "image/png", buffer: PNG.bytes });
    await uploadForm().getByRole("button", { name: "Upload", exact: true }).click();
    await uploadForm().getByRole("alert").filter({ hasText: "Unsupported document type image/png" }).waitFor();
    await shot("45-upload-unsupported");
  });

  await step("a file over the upload limit (1 MB in this walk) is refused with the server's 413 message", async () => {
    await uploadForm().getByLabel("File", { exact: true }).setInputFiles({
      name: "big.txt",
      mimeType: "text/plain",
      buffer: Buffer.alloc(1_500_000, "a"),
    });
    await uploadForm().getByRole("button", { name: "Upload", exact: true }).click();
    await uploadForm().getByRole("alert").filter({ hasText: "The file exceeds the upload limit of 1 MB" }).waitFor();
  });

  await step("a new chunking rebuilds the index into generation 2", async () => {
    await openCollection();
    const settings = page.getByRole("region", { name: `Settings of “${COLLECTION}”` });
    await settings.getByLabel("Chunk size").fill("300");
    await settings.getByRole("button", { name: "Save" }).click();
    await answerDialog("Rebuild index");
    await page.getByText(new RegExp(`^Saved “${COLLECTION}”`)).first().waitFor();
    await page.locator(".collection-summary").filter({ hasText: "generation 2" }).waitFor({ timeout: 30_000 });
    await page.getByRole("progressbar", { name: "Rebuild progress" }).waitFor({ state: "detached" });
    await shot("46-collection-rebuilt");
  });

  await step("the instructor deletes a document after confirming", async () => {
    await go("Documents");
    const list = page.getByRole("list", { name: "Documents" });
    await list.getByRole("button", { name: new RegExp(POLICIES.title) }).click();
    await page.getByRole("button", { name: "Delete document" }).click();
    await page.getByRole("alertdialog", { name: `Delete document “${POLICIES.title}”?` }).waitFor();
    await answerDialog("Delete document");
    await notice(`Deleted “${POLICIES.title}”.`);
    await list.getByRole("button", { name: new RegExp(POLICIES.title) }).waitFor({ state: "detached" });
    await shot("47-document-deleted");
  });
}
