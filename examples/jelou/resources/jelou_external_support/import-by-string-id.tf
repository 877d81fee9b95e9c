import {
  to = jelou_external_support.panel
  id = "my-jelou-project"
}
