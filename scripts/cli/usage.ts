export const MAIN_USAGE = `Usage: gfs <command> [options]

Commands:
  volfile check FILE...          check volfiles: syntax, graph, types and options
  volfile graph FILE             print the translator graph (json, dot or text)
  rebalance VOLFILE fix-layout|start
                                 spread a distribute volume over added bricks

Options:
  -h, --help                     show help (also after a command: gfs volfile --help)

Exit status: 0 success, 1 problems found, 2 wrong command line.
`;

export const VOLFILE_USAGE = `Usage: gfs volfile <subcommand> [options]

Subcommands:
  check FILE... [--json] [--syntax-only] [--xlator-option P.KEY=VALUE]... [--xlator-path DIR]...
      Parse each volfile, check its graph, resolve every translator type and validate every
      option. Prints FILE:LINE:COLUMN: error: message with the offending line.
  graph FILE [--format json|dot|text] [--xlator-option P.KEY=VALUE]...
      Print the graph: json {"top", "volumes": [...]}, Graphviz dot, or an indented tree.
`;

export const CHECK_USAGE = `Usage: gfs volfile check FILE... [options]

Checks each volfile as GlusterFS would load it, and more: the grammar, the graph (duplicate
volumes, subvolumes defined later, unreachable volumes, ...), that every translator type is
installed, and that every option is known and valid. All problems are reported at once.

Options:
  --json                         print {"ok", "files": [{file, ok, diagnostics}]} as JSON
  --syntax-only                  check grammar and graph only: skip types and options
  --xlator-option P.KEY=VALUE    override an option on volumes matching the wildcard P
                                 (P ends at the first dot; repeatable)
  --xlator-path DIR              also look for translator packages in DIR (repeatable)
  -h, --help                     show this help

Exit status: 0 every file is valid, 1 a file has errors, 2 wrong command line.
`;

export const GRAPH_USAGE = `Usage: gfs volfile graph FILE [options]

Options:
  --format json|dot|text         output format (default text)
  --xlator-option P.KEY=VALUE    override an option on volumes matching the wildcard P (repeatable)
  -h, --help                     show this help

Warnings go to stderr; the graph alone goes to stdout.
`;
