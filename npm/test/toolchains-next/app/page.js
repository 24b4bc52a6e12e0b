// The page: a client component that imports the package in the browser.
import Report from "./report.js";

export default function Page() {
  return <Report />;
}
