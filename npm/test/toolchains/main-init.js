// Browser entry without top-level await anywhere: linkedin-inbox/init, then `init()`.
import * as inbox from "linkedin-inbox/init";
import { inboxReport } from "./app.js";

inbox.init()
  .then(() => inboxReport(inbox))
  .then((r) => { window.result = r; }, (e) => { window.result = { failure: String(e) }; });
