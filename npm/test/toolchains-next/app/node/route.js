// A route handler in the Node runtime.
import * as inbox from "linkedin-inbox";
import { inboxReport } from "../../app.js";

export const dynamic = "force-dynamic";
export async function GET() {
  return Response.json(await inboxReport(inbox));
}
