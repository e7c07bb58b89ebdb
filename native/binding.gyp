{
  # Node-API addon over Debian's libtorch (apt-get install libtorch-dev). Build: node-gyp rebuild --directory native
  # (npm sets --nodedir=/usr so the local Node headers are used). libtorch needs C++ exceptions and RTTI.
  "targets": [
    {
      "target_name": "topk_libtorch",
      "sources": [
        "src/addon.cc",
        "src/napi_util.cc",
        "src/store.cc",
        "src/io.cc",
        "src/elementwise.cc",
        "src/reduce.cc",
        "src/layout.cc",
        "src/linalg.cc",
        "src/mm.cc",
        "src/optim.cc",
        "src/fused.cc",
        "src/pool.cc"
      ],
      "include_dirs": [
        "/usr/include/torch/csrc/api/include"
      ],
      "defines": [ "NAPI_VERSION=8" ],
      "cflags!": [ "-fno-exceptions", "-fno-rtti" ],
      "cflags_cc!": [ "-fno-exceptions", "-fno-rtti", "-std=gnu++17" ],
      "cflags_cc": [ "-std=c++17", "-fexceptions", "-frtti", "-fopenmp-simd", "-Wno-unused-parameter" ],
      "libraries": [ "-ltorch", "-ltorch_cpu", "-lc10", "-l:libblas.so.3", "-l:libdnnl.so.2", "-lgomp" ]
    }
  ]
}
