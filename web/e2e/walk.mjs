// The browser walk of issue 5: the admin quickstart, then registration → approval → sign-in.
// Every wait is on a page condition (a selector or text), never a fixed sleep.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const USER = { email: "alice@example.com", password: "alice-password-123" };
const REGISTRANT = { email: "bob@example.com", password: "bob-password-1234", name: "Bob Builder" };

export function walker(page, { baseUrl, screenshots, admin }) {
  mkdirSync(screenshots, { recursive: true });
  const failures = [];
  const shot = (name) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  const nav = () => page.getByRole("navigation", { name: "Main" });
  const go = async (label) => {
    await nav().getByRole("link", { name: label, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: label }).waitFor();
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
      const item = page.getByRole("list", { name: "Users" }).getByRole("button", { name: new RegExp(USER.email) });
      await item.filter({ hasText: "active" }).filter({ hasText: "user" }).waitFor();
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

    await step("admin signs out", signOut);

    await step("the new user sees only chat, embeddings and profile", async () => {
      await signIn(USER);
      await signedInAs(USER.email);
      await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
      const links = await nav().getByRole("link").allTextContents();
      expectEqual(links, ["Chat", "Embeddings", "Profile"], "sidebar of role user");
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
        await conversations.getByRole("button", { name: "Greeting", exact: true }).waitFor({ state: "detached" });
      },
      { independent: true },
    );

    await step("embeddings", async () => {
      await go("Embeddings");
      await page.getByLabel("Model").selectOption("all-minilm:latest");
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

    await step("admin approves the registration", async () => {
      await signIn(admin);
      await signedInAs(admin.email);
      await go("Users");
      await page.getByLabel("Status").selectOption("pending");
      const listed = page.getByRole("list", { name: "Users" });
      await listed.getByRole("button", { name: new RegExp(REGISTRANT.email) }).waitFor();
      await listed.getByRole("button", { name: new RegExp(USER.email) }).waitFor({ state: "detached" });
      await go("Pending approvals");
      const card = page.getByRole("listitem", { name: `Pending ${REGISTRANT.email}` });
      await card.getByRole("group", { name: "Roles" }).getByLabel("user", { exact: true }).waitFor();
      await shot("09-pending-approvals");
      await card.getByRole("button", { name: "Approve" }).click();
      await page.getByText(`Approved ${REGISTRANT.email}`).waitFor();
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
      await page.getByLabel("Limit").fill("500");
      await page.getByRole("button", { name: "Load" }).click();
      // The new user's own sign-in and the key the admin issued for it, not just any such event.
      const rows = page.getByRole("row").filter({ hasText: USER.email });
      await rows.filter({ hasText: "login_success" }).first().waitFor();
      await rows.filter({ hasText: "api_key_issued" }).first().waitFor();
      await shot("11-audit");
    });

    await step("usage", async () => {
      await go("Usage");
      await page.getByRole("heading", { name: "Organization usage" }).waitFor();
      await shot("12-usage");
    });

    await step("the layout holds on a narrow window", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      for (const label of ["Users", "Chat", "Audit log"]) {
        await go(label);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        if (overflow > 1) throw new Error(`${label} scrolls sideways by ${overflow}px at 390px`);
      }
      await go("Users");
      await shot("13-narrow-users");
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    await step("the approved registrant signs in with the keyboard only", async () => {
      await signOut();
      await page.goto(`${baseUrl}/signin`);
      // Keys pressed before the form is rendered would land nowhere: wait for it, touch nothing.
      await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
      await page.keyboard.press("Tab");
      await page.keyboard.type(REGISTRANT.email);
      await page.keyboard.press("Tab");
      await page.keyboard.type(REGISTRANT.password);
      await page.keyboard.press("Enter");
      await signedInAs(REGISTRANT.email);
      await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
      await shot("14-approved-user");
    });
  };

  return { steps, failures };
}
