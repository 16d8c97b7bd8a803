// The phone-width pass (390 px) of the main journeys, the theme toggle, and screenshots of every
// screen at desktop and phone width, light and dark (in screenshots/screens/).
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** `n` attendees as CSV with a header; row `bad` (1-based) has an email that is not one. */
export function attendeesCsv(n, bad) {
  const rows = ["email,name,roles"];
  for (let i = 1; i <= n; i++) {
    const id = String(i).padStart(2, "0");
    rows.push(i === bad ? `attendee${id}-at-example.com,Broken Row,user` : `attendee${id}@example.com,"Attendee ${id}, Workshop",user`);
  }
  return `${rows.join("\n")}\n`;
}

export async function phoneSteps(ctx) {
  const { page, baseUrl, screenshots, step, go, signIn, signOut, answerDialog, shot, admin, user } = ctx;
  /** Fails when the page scrolls sideways (something wider than the phone). */
  const noSidewaysScroll = async (what) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 1) throw new Error(`${what} scrolls sideways by ${overflow}px at 390px`);
  };

  await step("phone: the menu opens a drawer with every screen; nothing scrolls sideways", async () => {
    await page.setViewportSize(PHONE);
    await signOut();
    await signIn(admin);
    await page.getByRole("heading", { level: 1 }).waitFor();
    await page.getByText("Ollama Workshop", { exact: true }).waitFor();
    const menu = page.getByRole("button", { name: "Menu" });
    await menu.click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Profile" }).waitFor();
    // The drawer slides in: photograph it once its transition has finished.
    await page.locator("#main-nav").evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
    await shot("20-phone-drawer");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Menu", expanded: false }).waitFor();
    for (const label of ["Users", "Pending approvals", "Prompts", "Tools", "Agents", "Documents", "Collections", "Projects", "Models", "Usage", "Audit log", "Profile"]) {
      await go(label);
      await noSidewaysScroll(label);
    }
  });

  await step("phone: a prompt, an agent, a project, a document and a collection open; nothing scrolls sideways", async () => {
    await go("Prompts");
    await page.getByRole("list", { name: "Prompts" }).getByRole("button", { name: /Explain a topic/ }).click();
    await page.getByRole("region", { name: "Version history" }).getByRole("list", { name: /^Changes from version/ }).waitFor();
    await noSidewaysScroll("Prompts with a prompt open");
    await shot("24-phone-prompt");
    await go("Agents");
    await page.getByRole("list", { name: "Agents" }).getByRole("button", { name: /Weather guide/ }).click();
    await page.getByLabel("Temperature").waitFor();
    await noSidewaysScroll("Agents with an agent open");
    await shot("26-phone-agent");
    await go("Projects");
    await page.getByRole("list", { name: "Projects" }).getByRole("button", { name: /Rust workshop/ }).click();
    await page.getByRole("table", { name: "Members" }).waitFor();
    await noSidewaysScroll("Projects with a project open");
    await shot("25-phone-project");
    await go("Documents");
    await page.getByRole("list", { name: "Documents" }).getByRole("button", { name: /Café handbook/ }).click();
    await page.getByRole("list", { name: "Chunks" }).waitFor();
    await noSidewaysScroll("Documents with a document open");
    await shot("27-phone-document");
    await go("Collections");
    await page.getByRole("list", { name: "Collections" }).getByRole("button", { name: /Workshop knowledge/ }).click();
    await page.getByRole("table", { name: "Collection documents" }).waitFor();
    await noSidewaysScroll("Collections with a collection open");
    await shot("28-phone-collection");
  });

  await step("phone: the users table is cards, a user can be managed", async () => {
    await go("Users");
    await page.getByLabel("Search").fill(user.email);
    await page.getByRole("button", { name: `Manage ${user.email}` }).click();
    await page.getByRole("heading", { name: `Settings of ${user.email}` }).waitFor();
    await noSidewaysScroll("Users with a user open");
    await shot("21-phone-users");
  });

  await step("phone: a user chats, deletes the conversation (cancelled, then confirmed)", async () => {
    await signOut();
    await signIn(user);
    await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
    await page.getByLabel("Message", { exact: true }).fill("Hi from a phone");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByRole("button", { name: "Stop" }).waitFor();
    await page.getByRole("button", { name: "Send" }).waitFor();
    await noSidewaysScroll("Chat");
    const conversations = page.getByRole("navigation", { name: "Conversations" });
    await conversations.getByRole("button", { name: /Show conversations/ }).click();
    await shot("22-phone-chat");
    await conversations.getByRole("button", { name: "Delete Hi from a phone" }).click();
    await answerDialog("Cancel");
    await conversations.getByRole("button", { name: "Hi from a phone", exact: true }).waitFor();
    await conversations.getByRole("button", { name: "Delete Hi from a phone" }).click();
    await answerDialog("Delete conversation");
    await conversations.getByRole("button", { name: "Hi from a phone", exact: true }).waitFor({ state: "detached" });
    await page.getByText("Deleted “Hi from a phone”.").waitFor();
  });

  await step("phone: the dark theme chosen in Profile persists across a reload", async () => {
    await go("Profile");
    await page.getByLabel("Dark", { exact: true }).check();
    await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Profile" }).waitFor();
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    if (theme !== "dark") throw new Error(`theme after reload: ${theme}`);
    await shot("23-phone-profile-dark");
    await page.getByLabel("Follow the system").check();
    await page.waitForFunction(() => document.documentElement.dataset.theme === undefined);
  });

  await step("screenshots of every screen at both widths, light and dark", async () => {
    const dir = join(screenshots, "screens");
    mkdirSync(dir, { recursive: true });
    await signOut();
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [width, size] of [["desktop", DESKTOP], ["phone", PHONE]]) {
        await page.setViewportSize(size);
        const save = (name) => page.screenshot({ path: join(dir, `${scheme}-${width}-${name}.png`), fullPage: true });
        await page.goto(`${baseUrl}/register`);
        await page.getByRole("heading", { name: "Register" }).waitFor();
        await save("register");
        await page.goto(`${baseUrl}/signin`);
        await page.getByRole("heading", { name: "Sign in" }).waitFor();
        await save("sign-in");
        await signIn(admin);
        // On phones the sidebar is a closed drawer (hidden from the accessibility tree).
        await page.locator("#main-nav a").first().waitFor({ state: "attached" });
        const labels = await page.locator("#main-nav a").evaluateAll((links) =>
          links.map((a) => a.firstChild?.textContent ?? ""),
        );
        if (labels.length < 8) throw new Error(`admin sidebar lists only ${labels}`);
        for (const label of labels) {
          await go(label);
          // Screens load their data after the heading: wait until no skeleton is left.
          await page.getByTestId("skeleton").first().waitFor({ state: "detached" });
          await save(label.toLowerCase().replace(/\W+/g, "-"));
        }
        await signOut();
      }
    }
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize(DESKTOP);
  });
}
