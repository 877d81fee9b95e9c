import {
  to = jelou_external_support.panel
  identity = {
    project_id = "my-jelou-project"
  }
}
