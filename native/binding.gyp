{
  "targets": [
    {
      "target_name": "gfs_native",
      "sources": ["src/addon.c", "src/args.c", "src/ops_xattr.c", "src/ops_file.c", "src/ops_sys.c", "src/poll.c", "src/waitloop.c", "src/splice.c", "src/stat.c"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "defines": ["_GNU_SOURCE", "NAPI_VERSION=8"]
    }
  ]
}
