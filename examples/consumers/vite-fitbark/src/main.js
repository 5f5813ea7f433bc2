// The app: runs the smoke test and leaves its result for the driver.
import { smoke } from "./smoke.js";

smoke().then(
  (result) => { window.__smoke = result; },
  (error) => { window.__smoke = { error: `${error?.name}: ${error?.message}`, code: error?.code }; },
);
