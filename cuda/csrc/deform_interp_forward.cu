// Forward of the deformable similarity's sampling step: the norm-preserving interpolation (Theorem 3.1) of every
// channel at every deformed part position, written as GEMM columns (the similarity is then one matrix product).
#include "deform_interp.cuh"
#include <ATen/Dispatch.h>
#include <ATen/ops/empty.h>
#include <torch/library.h>

namespace protonb {
namespace {

// One warp per sampled position (image n, location hw, part k); lanes run over the channels d.
// cols = sqrt(zeta) with zeta = sum of weight * z^2 over the four corners (eq. 24, 25).
template <typename T>
__global__ void interp_cols_kernel(const T* __restrict__ zt, const T* __restrict__ offsets, T* __restrict__ cols,
                                   int64_t B, int64_t D, int64_t H, int64_t W, int64_t rho1, int64_t rho2, int64_t dil) {
  const int64_t rho = rho1 * rho2, HW = H * W, items = B * HW * rho;
  const int lane = threadIdx.x % kWarp;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * (blockDim.x / kWarp);
  for (int64_t i = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp; i < items; i += stride) {
    const int64_t k = i % rho, hw = (i / rho) % HW, n = i / (rho * HW);
    const Corners<T> c = locate(offsets, n, k, hw, H, W, rho1, rho2, dil);
    const T* zn = zt + n * HW * D;
    for (int64_t d = lane; d < D; d += kWarp) {
      T zeta = 0;
      for (int j = 0; j < 4; ++j) {
        const T v = c.in[j] ? zn[c.at[j] * D + d] : T(0);
        zeta += c.wt[j] * v * v;
      }
      cols[i * D + d] = zeta != 0 ? sqrt(zeta) : T(0);  // NaN stays NaN
    }
  }
}

at::Tensor deform_interp_cols_cuda(const at::Tensor& z, const at::Tensor& offsets, int64_t rho1, int64_t rho2,
                                   int64_t dilation) {
  check_inputs(z, offsets, rho1, rho2, dilation);
  const c10::cuda::CUDAGuard guard(z.device());
  const int64_t B = z.size(0), D = z.size(1), H = z.size(2), W = z.size(3), rho = rho1 * rho2;
  const at::Tensor zt = z.permute({0, 2, 3, 1}).contiguous();
  const at::Tensor off = offsets.contiguous();
  at::Tensor cols = at::empty({B, H * W, rho * D}, z.options());
  const int64_t items = B * H * W * rho;
  if (items == 0 || D == 0) return cols;
  AT_DISPATCH_FLOATING_TYPES(z.scalar_type(), "deform_interp_cols_cuda", [&] {
    interp_cols_kernel<scalar_t><<<blocks_for(items), kThreads, 0, c10::cuda::getCurrentCUDAStream()>>>(
        zt.data_ptr<scalar_t>(), off.data_ptr<scalar_t>(), cols.data_ptr<scalar_t>(), B, D, H, W, rho1, rho2, dilation);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return cols;
}

}  // namespace

TORCH_LIBRARY_IMPL(protonb, CUDA, m) { m.impl("deform_interp_cols", &deform_interp_cols_cuda); }

}  // namespace protonb
