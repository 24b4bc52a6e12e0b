// A route handler in the edge runtime.
import * as inbox from "linkedin-inbox";
import { inboxReport } from "../../app.js";

export const runtime = "edge";
export const dynamic = "force-dynamic";
export async function GET() {
  return Response.json(await inboxReport(inbox));
}
