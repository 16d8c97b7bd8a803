// The browser walk of issues 5, 15 and 12: the admin quickstart with a destructive action
// cancelled and confirmed, a CSV import of 20 attendees, registration → bulk approval → sign-in,
// workshop content (prompts, versions, /command in chat, tools, projects; see `content.mjs`),
// agents with a tool call answered in the chat (see `agents.mjs`), documents and collections
// with indexing, search and a chunk marked in its document (see `knowledge.mjs`), RAG systems
// with cited answers and agents' knowledge (see `rag.mjs`),
// then the phone-width pass and screenshots of every screen (see `phone.mjs`).
// Every wait is on a page condition (a selector or text), never a fixed sleep.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { agentSteps } from "./agents.mjs";
import { contentSteps } from "./content.mjs";
import { knowledgeSteps } from "./knowledge.mjs";
import { attendeesCsv, phoneSteps } from "./phone.mjs";
import { ragSteps } from "./rag.mjs";

const USER = { email: "alice@example.com", password: "alice-password-123" };
const REGISTRANT = { email: "bob@example.com", password: "bob-password-1234", name: "Bob Builder" };
/** Registered through the API, approved together with REGISTRANT in one bulk action. */
const MORE_REGISTRANTS = ["carol@example.com", "dave@example.com"];

export function walker(page, { baseUrl, screenshots, admin }) {
  mkdirSync(screenshots, { recursive: true });
  const failures = [];
  const shot = (name) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  const nav = () => page.getByRole("navigation", { name: "Main" });
  /** Opens a screen from the sidebar, through the menu button when it is a drawer (phones). */
  const go = async (label) => {
    const menu = page.getByRole("button", { name: "Menu" });
    if (await menu.isVisible()) await menu.click();
    const name = new RegExp(`^${label}`);
    await nav().getByRole("link", { name }).click();
    await page.getByRole("heading", { level: 1, name: label }).waitFor();
  };
  /** The confirmation dialog: answers it and waits for it to close. */
  const answerDialog = async (button) => {
    const dialog = page.getByRole("alertdialog");
    await dialog.getByRole("button", { name: button, exact: true }).click();
    await dialog.waitFor({ state: "detached" });
  };
  const signIn = async ({ email, password }) => {
    await page.goto(`${baseUrl}/signin`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  };
  const signedInAs = async (email) => {
    await page.getByTestId("signed-in-as").filter({ hasText: email }).waitFor();
  };
  const signOut = async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  };
  const expectEqual = (actual, expected, what) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  };
  /** Runs a step; a failure is recorded and the walk goes on when later steps do not need it. */
  const step = async (name, body, { independent = false } = {}) => {
    process.stdout.write(`[e2e] ${name} … `);
    try {
      await body();
      console.log("ok");
    } catch (err) {
      console.log("FAILED");
      failures.push(`${name}: ${err.message}`);
      await shot(`failed-${name.replace(/\W+/g, "-")}`).catch(() => {});
      if (!independent) throw err;
    }
  };

  const steps = async () => {
    await step("sign-in page", async () => {
      await page.goto(`${baseUrl}/`);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      if (!page.url().endsWith("/signin")) throw new Error(`landed on ${page.url()}`);
      await shot("01-sign-in");
    });

    await step("admin signs in", async () => {
      await signIn(admin);
      await signedInAs(admin.email);
      await nav().getByRole("link", { name: "Users" }).waitFor();
      await shot("02-admin-home");
    });

    await step("admin creates a user", async () => {
      await go("Users");
      await page.getByLabel("New user email").fill(USER.email);
      await page.getByRole("button", { name: "Create" }).click();
      await page.getByText(`Created ${USER.email}`).waitFor();
      await page.getByRole("heading", { name: `Settings of ${USER.email}` }).waitFor();
    });

    await step("admin activates it with role user", async () => {
      await page.getByLabel("Active").check();
      await page.getByRole("group", { name: "Roles" }).getByLabel("user", { exact: true }).check();
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByText(`Saved settings of ${USER.email}.`).waitFor();
      const row = page.getByRole("table", { name: "Users" }).getByRole("row").filter({ hasText: USER.email });
      await row.filter({ hasText: "active" }).filter({ hasText: "user" }).waitFor();
    });

    await step("admin sets its password", async () => {
      await page.getByLabel("New password").fill(USER.password);
      await page.getByRole("button", { name: "Set password" }).click();
      await page.getByText(`Password set for ${USER.email}.`).waitFor();
    });

    await step("admin issues an API key and sees the one-time secret", async () => {
      await page.getByLabel("Key label").fill("ci pipeline");
      await page.getByRole("button", { name: "Issue" }).click();
      const secret = await page.getByTestId("one-time-secret").textContent();
      if (!secret?.startsWith("owp_")) throw new Error(`unexpected secret ${secret}`);
      await page.getByRole("button", { name: "Revoke ci pipeline" }).waitFor();
      await shot("03-users-admin-panel");
      await page.getByRole("button", { name: "I have copied it" }).click();
      await page.getByTestId("one-time-secret").waitFor({ state: "detached" });
    });

    await step("revoking a key asks first: cancelled it stays, confirmed it is revoked", async () => {
      await page.getByRole("button", { name: "Revoke ci pipeline" }).click();
      await page.getByRole("alertdialog", { name: "Revoke key “ci pipeline”?" }).waitFor();
      await shot("03b-confirm-revoke");
      await answerDialog("Cancel");
      await page.getByRole("button", { name: "Revoke ci pipeline" }).waitFor();
      await page.getByRole("button", { name: "Revoke ci pipeline" }).click();
      await page.getByRole("alertdialog").press("Escape");
      await page.getByRole("alertdialog").waitFor({ state: "detached" });
      await page.getByRole("button", { name: "Revoke ci pipeline" }).click();
      await answerDialog("Revoke key");
      await page.getByText("Revoked the key “ci pipeline”.").waitFor();
      await page.getByRole("button", { name: "Revoke ci pipeline" }).waitFor({ state: "detached" });
    });

    await step("an empty key label is refused beside the field", async () => {
      await page.getByLabel("Key label").fill("");
      await page.getByRole("button", { name: "Issue" }).click();
      await page.getByText("Give the key a label, e.g. what will use it.").waitFor();
    });

    await step("a CSV of 20 attendees with one bad row: preview, import, a result per row", async () => {
      await page.getByText("Import attendees from CSV").click();
      await page.getByLabel("CSV file").setInputFiles({
        name: "attendees.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(attendeesCsv(20, 7)),
      });
      await page.getByRole("button", { name: "Preview" }).click();
      await page.getByText("19 of 20 rows can be imported; 1 will be skipped.").waitFor();
      await page.getByRole("table", { name: "Import preview" }).getByText("is not an email address").waitFor();
      await shot("03c-import-preview");
      await page.getByRole("button", { name: "Import 19 attendees" }).click();
      const results = page.getByRole("region", { name: "Import results" });
      await results.getByText("Import: 19 of 20 done, 1 failed.").waitFor();
      await results.getByText(/skipped: .* is not an email address/).waitFor();
      await shot("03d-import-results");
      await page.getByLabel("Search").fill("attendee");
      await page.getByText("Page 1 of 1 · 19 users").waitFor();
    });

    await step("bulk: two attendees get role admin, then one is disabled after confirming", async () => {
      const table = page.getByRole("table", { name: "Users" });
      await page.getByLabel("Select attendee01@example.com").check();
      await page.getByLabel("Select attendee02@example.com").check();
      await page.getByText("2 selected").waitFor();
      await page.getByLabel("Role to assign").selectOption("admin");
      await page.getByRole("button", { name: "Assign role" }).click();
      await page.getByRole("region", { name: "Assign role results" }).getByText("Assign role: 2 of 2 done.").waitFor();
      await table.getByRole("row").filter({ hasText: "attendee01@example.com" }).filter({ hasText: "admin" }).waitFor();
      await page.getByRole("button", { name: "Clear selection" }).click();
      await page.getByLabel("Select attendee03@example.com").check();
      await page.getByRole("button", { name: "Disable", exact: true }).click();
      await answerDialog("Disable");
      await table.getByRole("row").filter({ hasText: "attendee03@example.com" }).filter({ hasText: "disabled" }).waitFor();
      await page.getByLabel("Search").fill("");
    });

    await step("admin signs out", signOut);

    await step("the new user sees only chat, embeddings, the content screens and profile", async () => {
      await signIn(USER);
      await signedInAs(USER.email);
      await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
      const links = await nav().getByRole("link").allTextContents();
      expectEqual(links, ["Chat", "Embeddings", "Prompts", "Tools", "Agents", "Documents", "Collections", "RAG systems", "Projects", "Profile"], "sidebar of role user");
    });

    await step(
      "a chat reply streams in",
      async () => {
        await page.getByLabel("Model").selectOption("llama3.2:latest");
        await page.getByLabel("Message", { exact: true }).fill("Hello from the browser");
        await page.getByRole("button", { name: "Send" }).click();
        const reply = page.locator('[data-role="assistant"] .markdown');
        // Text shown before the reply ended, shorter than the final one, proves it is rendered as
        // it arrives (the fake paces its tokens).
        await page.getByRole("button", { name: "Stop" }).waitFor();
        await reply.filter({ hasText: /Hello/ }).waitFor();
        const partial = (await reply.textContent()) ?? "";
        await page.getByRole("button", { name: "Send" }).waitFor();
        const full = (await reply.textContent()) ?? "";
        if (full.length <= partial.trim().length) {
          throw new Error(`no streaming seen (partial ${JSON.stringify(partial)}, full ${JSON.stringify(full)})`);
        }
        if (await page.getByRole("alert").count()) {
          throw new Error(`error shown: ${await page.getByRole("alert").first().textContent()}`);
        }
        await shot("04-chat");
        // The conversation the server started is listed; rename it, then delete it.
        const conversations = page.getByRole("navigation", { name: "Conversations" });
        await conversations.getByRole("button", { name: "Rename Hello from the browser" }).click();
        await conversations.getByLabel("New title").fill("Greeting");
        await conversations.getByRole("button", { name: "Save" }).click();
        await conversations.getByRole("button", { name: "Greeting", exact: true }).waitFor();
        await conversations.getByRole("button", { name: "Delete Greeting" }).click();
        await answerDialog("Delete conversation");
        await conversations.getByRole("button", { name: "Greeting", exact: true }).waitFor({ state: "detached" });
      },
      { independent: true },
    );

    await step("the chat picker offers no embedding model; Embeddings picks one by default", async () => {
      const offered = await page.getByLabel("Model").locator("option").allTextContents();
      if (offered.includes("all-minilm:latest")) throw new Error(`chat offers ${offered}`);
    }, { independent: true });

    await step("an admin address tells a user it is not theirs", async () => {
      await page.goto(`${baseUrl}/admin/users`);
      await page.getByRole("heading", { name: "You don't have access to this page" }).waitFor();
      await shot("04b-no-access");
      await page.getByRole("link", { name: "Go to your start page" }).click();
      await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
    }, { independent: true });

    await step("embeddings", async () => {
      await go("Embeddings");
      // The picker chooses once the models and their capabilities have arrived.
      await page.waitForFunction(() => document.querySelector("select")?.value);
      const picked = await page.getByLabel("Embedding model").inputValue();
      if (picked !== "all-minilm:latest") throw new Error(`Embeddings defaults to ${picked}`);
      await page.getByLabel("Text").fill("a sentence to embed");
      await page.getByRole("button", { name: "Embed" }).click();
      await page.getByTestId("dims").filter({ hasText: "384" }).waitFor();
      await shot("05-embeddings");
    });

    await step("profile", async () => {
      await go("Profile");
      await page.getByText("Change password").first().waitFor();
      await page.getByRole("heading", { name: "My API keys" }).waitFor();
      await shot("06-profile");
    });

    await step("the user signs out", signOut);

    await step("registration ends with a waiting-for-approval message", async () => {
      await page.getByRole("link", { name: "Register" }).click();
      await page.getByLabel("Email").fill(REGISTRANT.email);
      await page.getByLabel("Full name").fill(REGISTRANT.name);
      await page.getByLabel("Password").fill(REGISTRANT.password);
      await page.getByRole("button", { name: "Register" }).click();
      await page.getByRole("heading", { name: "Waiting for approval" }).waitFor();
      await shot("07-registered");
    });

    await step("a pending account cannot sign in yet", async () => {
      await signIn(REGISTRANT);
      await page.getByRole("alert").filter({ hasText: "pending approval" }).waitFor();
      await shot("08-pending-sign-in");
    });

    await step("two more people register", async () => {
      for (const email of MORE_REGISTRANTS) {
        const res = await fetch(`${baseUrl}/api/v1/auth/register`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, password: "some-password-1234" }),
        });
        if (res.status !== 201 && res.status !== 200) throw new Error(`register ${email}: ${res.status}`);
      }
    });

    await step("admin sees the waiting count and approves all three in one go", async () => {
      await signIn(admin);
      await signedInAs(admin.email);
      await page.getByTestId("pending-count").filter({ hasText: "3" }).waitFor();
      await go("Users");
      await page.getByLabel("Status").selectOption("pending");
      const listed = page.getByRole("table", { name: "Users" });
      await listed.getByRole("row").filter({ hasText: REGISTRANT.email }).waitFor();
      await listed.getByRole("row").filter({ hasText: USER.email }).waitFor({ state: "detached" });
      await page.getByLabel("Search").fill("nobody-like-this");
      await page.getByText("No users match “nobody-like-this” with status pending.").waitFor();
      await page.getByRole("button", { name: "Clear filter" }).click();
      await go("Pending approvals");
      await page.getByRole("listitem", { name: `Pending ${REGISTRANT.email}` }).waitFor();
      await page.getByLabel("Select all").check();
      await page.getByLabel("Role", { exact: true }).selectOption("user");
      await page.getByRole("group", { name: /Allowed models/ }).getByLabel("llama3.2:latest").check();
      await shot("09-pending-approvals");
      await page.getByRole("button", { name: "Approve selected (3)" }).click();
      await page.getByRole("region", { name: "Approve results" }).getByText("Approve: 3 of 3 done.").waitFor();
      await page.getByText("Nobody is waiting for approval.").waitFor();
      await page.getByTestId("pending-count").waitFor({ state: "detached" });
    });

    await step("a model pull shows progress that survives navigation", async () => {
      await go("Models");
      await page.getByRole("cell", { name: "llama3.2:latest", exact: true }).waitFor();
      await page.getByLabel("Model name").fill("tinyllama:latest");
      await page.getByRole("button", { name: "Pull" }).click();
      await page.getByRole("progressbar", { name: "Pull of tinyllama:latest" }).waitFor();
      await go("Users");
      await go("Models");
      await page.getByRole("progressbar", { name: "Pull of tinyllama:latest" }).waitFor();
      await page.getByRole("cell", { name: "tinyllama:latest", exact: true }).waitFor();
      await shot("10-models");
    });

    await step("admin sees login_success and api_key_issued in the audit log", async () => {
      await go("Audit log");
      await page.getByLabel("Limit").fill("-5");
      await page.getByRole("button", { name: "Load" }).click();
      await page.getByText("Enter a whole number from 1 to 500.").waitFor();
      await page.getByLabel("Limit").fill("500");
      await page.getByRole("button", { name: "Load" }).click();
      // The new user's own sign-in and the key the admin issued for it, not just any such event.
      const rows = page.getByRole("row").filter({ hasText: USER.email });
      await rows.filter({ hasText: "login_success" }).first().waitFor();
      await rows.filter({ hasText: "api_key_issued" }).first().waitFor();
      await shot("11-audit");
    });

    await step("audit filters by user and event type, and exports that as CSV", async () => {
      await page.getByLabel("User", { exact: true }).selectOption({ label: USER.email });
      await page.getByLabel("Event type").selectOption("login_success");
      await page.getByRole("button", { name: "Load" }).click();
      await page.getByText(/^Events 1–\d+ of \d+$/).waitFor();
      const events = await page.locator("table.audit tbody tr td:nth-child(2)").allTextContents();
      if (events.length === 0 || events.some((e) => e !== "login_success")) throw new Error(`filtered events: ${events}`);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Export CSV" }).click(),
      ]);
      const path = await download.path();
      const csv = (await import("node:fs")).readFileSync(path, "utf8").trim().split("\n");
      if (csv.length !== events.length + 1 || !csv.slice(1).every((line) => line.includes("login_success"))) {
        throw new Error(`export has ${csv.length} lines for ${events.length} events: ${csv.slice(0, 3).join(" | ")}`);
      }
    }, { independent: true });

    await step("usage", async () => {
      await go("Usage");
      await page.getByRole("heading", { name: "Organization usage" }).waitFor();
      await shot("12-usage");
    });

    await step("the approved registrant signs in with the keyboard only", async () => {
      await signOut();
      await page.goto(`${baseUrl}/signin`);
      // Keys pressed before the form is rendered would land nowhere: wait for it, touch nothing.
      await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
      // The email field has the focus from the start.
      await page.waitForFunction(() => document.activeElement?.getAttribute("autocomplete") === "username");
      await page.keyboard.type(REGISTRANT.email);
      await page.keyboard.press("Tab");
      await page.keyboard.type(REGISTRANT.password);
      await page.keyboard.press("Enter");
      await signedInAs(REGISTRANT.email);
      await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
      await shot("14-approved-user");
    });

    await contentSteps({ page, baseUrl, step, go, signIn, signOut, signedInAs, answerDialog, shot, admin, user: USER });

    await agentSteps({ page, baseUrl, step, go, signIn, signOut, signedInAs, shot, user: USER });

    await knowledgeSteps({ page, step, go, signIn, signOut, signedInAs, answerDialog, shot });
    await ragSteps({ page, baseUrl, step, go, signIn, signOut, signedInAs, shot });

    await phoneSteps({ page, baseUrl, screenshots, step, go, signIn, signOut, answerDialog, shot, admin, user: USER });
  };

  return { steps, failures };
}
