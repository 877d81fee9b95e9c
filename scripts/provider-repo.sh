#!/usr/bin/env bash
# Assembles the tree of one provider's own repository,
# externalsupport/terraform-provider-<name>, from this repository:
#
#   scripts/provider-repo.sh PROVIDER DIR
#
# The public Terraform and OpenTofu registries publish one provider per
# repository named terraform-provider-<name>: they take its releases from that
# repository's GitHub releases (goreleaser publishes them there, see
# .goreleaser.yml) and its documentation from that repository's docs/ at the
# release tag. This repository builds two providers, so each gets a repository
# that holds what the registries read and nothing else:
#
#   docs/index.md, docs/resources/, docs/data-sources/,
#   docs/ephemeral-resources/, docs/list-resources/, docs/actions/,
#   docs/functions/, docs/guides/
#                                    docs/<provider>/ (make generate), as is
#   README.md                        what the repository is, where the code is
#   CHANGELOG.md                     this repository's
#   terraform-registry-manifest.json this repository's
#   LICENSE                          this repository's (MPL-2.0)
#
# DIR is created when missing; everything in it but .git is replaced, so DIR
# may be a clone of the provider's repository (the release workflow commits
# and tags the result there before goreleaser publishes the release).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: $0 jelou|jurichat DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
provider="$1" dir="$2"
case "$provider" in
  jelou) vendor="Jelou" vendor_url="https://jelou.ai" manages="the integration between a Jelou project and an external support panel (\`jelou_external_support\`)" ;;
  jurichat) vendor="JuriChat" vendor_url="https://jurichat.com" manages="JuriChat webhooks (\`jurichat_webhook\`) and their signing secrets" ;;
  *) usage ;;
esac
[ -f "docs/$provider/index.md" ] || { echo "docs/$provider/index.md is missing: run make generate" >&2; exit 1; }

mkdir -p "$dir"
find "$dir" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
cp -R "docs/$provider" "$dir/docs"
cp CHANGELOG.md terraform-registry-manifest.json "$dir/"
cp LICENSE "$dir/"
cat > "$dir/README.md" <<README
# Terraform provider for $vendor

The \`externalsupport/$provider\` provider for [Terraform](https://www.terraform.io) and
[OpenTofu](https://opentofu.org) manages $manages on [$vendor]($vendor_url).

This repository is where the provider is **published**: its GitHub releases hold the signed
release archives, and [\`docs/\`](docs/index.md) the documentation the registries show. It is
assembled by the release of the source repository,
[externalsupport/terraform-provider-externalsupport](https://github.com/externalsupport/terraform-provider-externalsupport),
which builds this provider and its sibling \`externalsupport/$( [ "$provider" = jelou ] && echo jurichat || echo jelou )\` from one Go module.
Report issues and propose changes there; changes made here are overwritten by the next release.

\`\`\`hcl
terraform {
  required_providers {
    $provider = {
      source = "externalsupport/$provider"
    }
  }
}
\`\`\`

See [docs/index.md](docs/index.md) for the provider's configuration, and
[CHANGELOG.md](CHANGELOG.md) for what each version changed.
README
echo "assembled the repository tree of terraform-provider-$provider in $dir"
