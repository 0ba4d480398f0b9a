namespace Dstack.Core.Workflows;

/// <summary>
/// JSON Schema (draft-07) for workflow files, for editors (e.g. the VS Code YAML extension:
/// <c># yaml-language-server: $schema=…</c>). It mirrors <see cref="WorkflowParser"/>; a test keeps the property sets equal.
/// </summary>
public static class WorkflowSchema
{
    public const string Json = """
    {
      "$schema": "http://json-schema.org/draft-07/schema#",
      "title": "dstack workflows",
      "description": "A .dstack/workflows.yaml or .dstack/workflows/*.yaml file.",
      "type": "object",
      "required": ["workflows"],
      "additionalProperties": false,
      "properties": {
        "workflows": {
          "description": "The workflows of this file. Names must be unique across all workflow files.",
          "type": "array",
          "items": { "$ref": "#/definitions/workflow" }
        }
      },
      "definitions": {
        "workflow": {
          "type": "object",
          "required": ["name", "provider"],
          "additionalProperties": false,
          "allOf": [
            { "if": { "properties": { "provider": { "const": "bash" } } }, "then": { "required": ["commands"] } },
            { "if": { "properties": { "provider": { "const": "docker" } } }, "then": { "required": ["image"] } },
            {
              "if": { "properties": { "provider": { "const": "torchrun" } } },
              "then": { "required": ["script"], "not": { "required": ["commands"] } },
              "else": { "not": { "anyOf": [{ "required": ["script"] }, { "required": ["args"] }, { "required": ["nproc_per_node"] }] } }
            },
            { "if": { "properties": { "provider": { "enum": ["code", "lab", "notebook"] } } }, "then": { "not": { "required": ["commands"] } }, "else": { "not": { "required": ["version"] } } },
            { "not": { "required": ["before_run", "setup"] } }
          ],
          "properties": {
            "name": { "description": "The name used with `dstack run NAME`. No whitespace or '/'.", "type": "string", "pattern": "^[^\\s/]+$" },
            "provider": { "description": "How the workflow runs: bash (shell commands), docker (an image), torchrun (a PyTorch script on every node), or a dev environment in the browser on PORT_0: code (VS Code), lab (JupyterLab), notebook (Jupyter Notebook).", "enum": ["bash", "docker", "torchrun", "code", "lab", "notebook"] },
            "help": { "description": "What the workflow does (documentation only).", "type": "string" },
            "deps": {
              "description": "Runs whose artifacts are mounted before this workflow starts: {tag: NAME}, {workflow: NAME}, ':TAG' or 'WORKFLOW'. OWNER/REPO/NAME refers to another repository.",
              "type": "array",
              "items": {
                "oneOf": [
                  { "type": "string", "pattern": "^(:([^\\s/]+/[^\\s/]+/)?[A-Za-z0-9._-]+|[^:\\s/][^\\s/]*(/[^\\s/]+/[^\\s/]+)?)$" },
                  {
                    "type": "object", "required": ["tag"], "additionalProperties": false,
                    "properties": {
                      "tag": { "description": "A tag name, or OWNER/REPO/TAG.", "type": "string", "pattern": "^([^\\s/]+/[^\\s/]+/)?[A-Za-z0-9._-]+$" },
                      "mount": { "description": "Mount instead of downloading.", "type": "boolean" }
                    }
                  },
                  {
                    "type": "object", "required": ["workflow"], "additionalProperties": false,
                    "properties": {
                      "workflow": { "description": "A workflow name whose last successful run is used, or OWNER/REPO/NAME.", "type": "string", "pattern": "^[^\\s/]+(/[^\\s/]+/[^\\s/]+)?$" },
                      "mount": { "description": "Mount instead of downloading.", "type": "boolean" }
                    }
                  }
                ]
              }
            },
            "commands": { "description": "Shell commands of the main step (required for bash).", "allOf": [{ "$ref": "#/definitions/commands" }] },
            "before_run": { "description": "Commands run before `commands` (alias: setup; use one of them).", "allOf": [{ "$ref": "#/definitions/commands" }] },
            "setup": { "description": "Alias of before_run.", "allOf": [{ "$ref": "#/definitions/commands" }] },
            "requirements": { "description": "Path of a pip requirements file, relative to the repository root.", "type": "string" },
            "python": { "description": "Python version, e.g. 3.10.", "type": ["string", "number"], "pattern": "^\\d+(\\.\\d+){0,2}$" },
            "env": {
              "description": "Environment variables: a list of NAME=VALUE (or NAME to pass the caller's value), or a mapping NAME: VALUE.",
              "oneOf": [
                { "type": "array", "items": { "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*(=[\\s\\S]*)?$" } },
                {
                  "type": "object",
                  "propertyNames": { "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
                  "additionalProperties": { "type": ["string", "number", "boolean", "null"] }
                }
              ]
            },
            "working_dir": { "description": "Where commands run, relative to the repository root; must stay inside it.", "type": "string", "pattern": "^(?!/)" },
            "artifacts": {
              "description": "Output folders saved after the run: paths relative to working_dir (or absolute), or {path, mount}.",
              "type": "array",
              "items": {
                "oneOf": [
                  { "type": "string", "minLength": 1 },
                  {
                    "type": "object", "required": ["path"], "additionalProperties": false,
                    "properties": {
                      "path": { "description": "The folder to save.", "type": "string", "minLength": 1 },
                      "mount": { "description": "Save in real time while the workflow runs.", "type": "boolean" }
                    }
                  }
                ]
              }
            },
            "ports": { "description": "How many ports to allocate (exposed as PORT_0, PORT_1, ...).", "type": "integer", "minimum": 0, "maximum": 100 },
            "resources": { "description": "What the machine needs.", "allOf": [{ "$ref": "#/definitions/resources" }] },
            "image": { "description": "Docker image to run (required for docker).", "type": "string" },
            "nodes": { "description": "How many nodes run the workflow together, one job each (rank 0 to N-1); on this machine, N processes.", "type": "integer", "minimum": 1, "maximum": 256 },
            "script": { "description": "torchrun: the Python script every node starts, relative to working_dir (required for torchrun).", "type": "string", "minLength": 1 },
            "args": { "description": "torchrun: the script's arguments, as shell words; ${{ run.args }} adds the run's. Default: the run's arguments.", "allOf": [{ "$ref": "#/definitions/commands" }] },
            "nproc_per_node": { "description": "torchrun: worker processes per node (default: the node's GPUs, or 1 without GPUs); at most the GPUs asked for.", "type": "integer", "minimum": 1, "maximum": 1024 },
            "version": { "description": "The server's version (code, lab, notebook): the openvscode-server to download, or the pip pin when Jupyter is installed for the run.", "type": ["string", "number"], "pattern": "^[0-9][0-9A-Za-z.+-]{0,40}$" }
          }
        },
        "commands": {
          "oneOf": [
            { "type": "array", "items": { "type": "string" } },
            { "type": "string", "description": "One command per line; blank lines are ignored." }
          ]
        },
        "memory": {
          "description": "A size such as 16GB (decimal) or 16GiB (binary); units MB, GB, TB, MiB, GiB, TiB (also M, G, T, Mi, Gi, Ti).",
          "type": "string",
          "pattern": "^\\s*\\d{1,15}(\\.\\d{1,6})?\\s*[MmGgTt][Ii]?[Bb]?\\s*$"
        },
        "resources": {
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "cpu": { "description": "Number of CPUs.", "type": "integer", "minimum": 1 },
            "memory": { "description": "Memory size.", "allOf": [{ "$ref": "#/definitions/memory" }] },
            "gpu": {
              "description": "Number of GPUs, or {name, count, memory} (a mapping without count means 1).",
              "oneOf": [
                { "type": "integer", "minimum": 0 },
                {
                  "type": "object", "additionalProperties": false,
                  "properties": {
                    "name": { "description": "GPU model, e.g. A100.", "type": "string" },
                    "count": { "description": "Number of GPUs.", "type": "integer", "minimum": 0 },
                    "memory": { "description": "Memory per GPU.", "allOf": [{ "$ref": "#/definitions/memory" }] }
                  }
                }
              ]
            },
            "shm_size": { "description": "Shared memory (/dev/shm) size.", "allOf": [{ "$ref": "#/definitions/memory" }] },
            "interruptible": { "description": "Use a spot (interruptible) instance.", "type": "boolean" },
            "local": { "description": "Run on this machine (every run does; accepted for workflows written for dstack 0.0.10+).", "type": "boolean" }
          }
        }
      }
    }
    """;
}
