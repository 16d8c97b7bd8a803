import { describe, expect, it } from "vitest";
import { go, guardLeaving, mayLeave } from "./router";

describe("leave guards", () => {
  it("in-app navigation asks the guard and stays when it says no", async () => {
    window.history.replaceState(null, "", "/profile");
    let answer = false;
    const asked: string[] = [];
    const remove = guardLeaving(async () => {
      asked.push(window.location.pathname);
      return answer;
    });
    await go("/chat");
    expect(window.location.pathname).toBe("/profile");
    answer = true;
    await go("/chat");
    expect(window.location.pathname).toBe("/chat");
    expect(asked).toEqual(["/profile", "/profile"]);
    remove();
    expect(await mayLeave()).toBe(true);
  });

  it("warns on reload or close only while a guard is registered", () => {
    const unload = () => {
      const event = new Event("beforeunload", { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    const remove = guardLeaving(async () => true);
    expect(unload()).toBe(true);
    remove();
    expect(unload()).toBe(false);
  });
});
