# An integration is imported by its Jelou project id. Jelou returns the signing
# secret only at creation and regeneration, so an imported integration has no
# signing_secret: set rotate_when_changed to regenerate it in place, keeping the
# integration and its id (see the guide "Rotating the signing secret").
terraform import jelou_external_support.panel my-jelou-project
