// Builds the unbranded GOV.UK Frontend CSS and copies its JS (with source map) into ../static/.
import { compile } from "sass";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";

const out = "../static";
const frontend = "node_modules/govuk-frontend/dist/govuk";
mkdirSync(`${out}/css`, { recursive: true });
mkdirSync(`${out}/js`, { recursive: true });
mkdirSync(`${out}/images`, { recursive: true });

const result = compile("src/application.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
if (result.css.includes("GDS Transport")) {
  throw new Error("The built CSS still names GDS Transport");
}
writeFileSync(`${out}/css/application.css`, result.css);
copyFileSync(`${frontend}/govuk-frontend.min.js`, `${out}/js/govuk-frontend.min.js`);
copyFileSync(`${frontend}/govuk-frontend.min.js.map`, `${out}/js/govuk-frontend.min.js.map`);
copyFileSync(`${frontend}/assets/images/favicon.ico`, `${out}/images/favicon.ico`);
console.log("Built static/css/application.css and static/js/govuk-frontend.min.js");
