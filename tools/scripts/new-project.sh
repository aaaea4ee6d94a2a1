#!/usr/bin/env bash
# Lays out a new lib or app with the workspace's conventions:
#   tools/scripts/new-project.sh lib <name> <tag>     e.g. lib lease type:domain
#   tools/scripts/new-project.sh app <name>
# Remember to add a lib's import path to tsconfig.base.json "paths".
set -euo pipefail
kind=$1 name=$2 tag=${3:-type:app}
root=$([ "$kind" = app ] && echo "apps/$name" || echo "libs/$name")
mkdir -p "$root/src"
[ -f "$root/package.json" ] || cat > "$root/package.json" <<JSON
{
  "name": "@mirrormaker/$name",
  "version": "0.1.0",
  "private": true,
  "main": "src/index.ts"
}
JSON
[ -f "$root/tsconfig.json" ] || cat > "$root/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true },
  "include": ["src/**/*.ts", "test/**/*.ts"]
}
JSON
extra=""
if [ "$kind" = app ]; then
  extra=',
    "build": {
      "command": "node tools/scripts/build-app.mjs '"$name"'",
      "inputs": ["production", "^production"],
      "outputs": ["{workspaceRoot}/dist/apps/'"$name"'"]
    }'
fi
[ -f "$root/project.json" ] || cat > "$root/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "$([ "$kind" = app ] && echo application || echo library)",
  "tags": ["$tag"],
  "targets": {
    "typecheck": {
      "command": "tsc -p $root/tsconfig.json",
      "inputs": ["default", "^default"]
    },
    "lint": {
      "command": "eslint $root",
      "inputs": ["default", "{workspaceRoot}/eslint.config.mjs"]
    },
    "test": {
      "command": "jest --selectProjects unit integration -- $root"
    }$extra
  }
}
JSON
[ -f "$root/src/index.ts" ] || echo "export {};" > "$root/src/index.ts"
echo "laid out $root"
