# An integration is imported by its Jelou project id. Jelou returns the signing
# secret only at creation, so an imported integration has no signing_secret;
# replace the resource to obtain a new one.
terraform import jelou_external_support.panel my-jelou-project
