// The schema of protonb's custom ops. The CUDA kernels register in the .cu files (TORCH_LIBRARY_IMPL ... CUDA);
// protonb.deformable registers the PyTorch (CPU) kernels, the fake (meta) kernels and the autograd formula, and calls
// the ops for CUDA tensors when this extension is importable.
#include <Python.h>
#include <torch/library.h>

extern "C" {
// `import protonb._C` loads this library, which runs the registrations below; the module itself is empty.
PyObject* PyInit__C(void) {
  static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_C", nullptr, -1, nullptr};
  return PyModule_Create(&module_def);
}
}

TORCH_LIBRARY(protonb, m) {
  // (B, D, H, W) features and (B, 2*rho1*rho2, H, W) offsets -> (B, H*W, rho1*rho2*D) norm-preserving samples
  m.def("deform_interp_cols(Tensor z, Tensor offsets, int rho1, int rho2, int dilation) -> Tensor");
  // gradient of the samples -> (gradient of z, gradient of the offsets)
  m.def("deform_interp_cols_backward(Tensor grad_cols, Tensor z, Tensor offsets, Tensor cols, int rho1, int rho2, "
        "int dilation) -> (Tensor, Tensor)");
}
