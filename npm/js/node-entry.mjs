// ES module entry for Node (`import { InboxClient } from "linkedin-inbox"`).
export * from "./linkedin_inbox.js";
