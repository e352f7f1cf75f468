// Backward of the sampling step (supplement §8): gradients of the columns with respect to the features z and to the
// offsets. The gradients with respect to the prototypes, and the columns' own gradient, are matrix products done by
// the caller.
#include "deform_interp.cuh"
#include <ATen/Dispatch.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/zeros.h>
#include <torch/library.h>
#include <tuple>

namespace protonb {
namespace {

template <typename T>
__device__ __forceinline__ T warp_sum(T x) {
  for (int s = kWarp / 2; s > 0; s /= 2) x += __shfl_down_sync(0xffffffffu, x, s);
  return x;
}

// One warp per sampled position, lanes over the channels. With q = grad / sqrt(zeta) (0 where zeta = 0):
//   dL/dz at corner j  += q * wt_j * z_j                                           (eq. 28, 29)
//   dL/ddrow = 1/2 sum_d q * ((1-b)(z3^2 - z1^2) + b(z4^2 - z2^2))                  (eq. 28, 30)
//   dL/ddcol = 1/2 sum_d q * ((1-a)(z2^2 - z1^2) + a(z4^2 - z3^2))
// the one-sided derivative towards larger coordinates at integer positions, as autograd through floor gives.
template <typename T>
__global__ void interp_cols_backward_kernel(const T* __restrict__ grad_cols, const T* __restrict__ zt,
                                            const T* __restrict__ offsets, const T* __restrict__ cols,
                                            T* __restrict__ grad_zt, T* __restrict__ grad_offsets, int64_t B, int64_t D,
                                            int64_t H, int64_t W, int64_t rho1, int64_t rho2, int64_t dil) {
  const int64_t rho = rho1 * rho2, HW = H * W, items = B * HW * rho;
  const int lane = threadIdx.x % kWarp;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * (blockDim.x / kWarp);
  for (int64_t i = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp; i < items; i += stride) {
    const int64_t k = i % rho, hw = (i / rho) % HW, n = i / (rho * HW);
    const Corners<T> c = locate(offsets, n, k, hw, H, W, rho1, rho2, dil);
    const T* zn = zt + n * HW * D;
    T* gn = grad_zt + n * HW * D;
    T ga = 0, gb = 0;
    for (int64_t d = lane; d < D; d += kWarp) {
      const T s = cols[i * D + d];
      if (s == 0) continue;  // the square root's derivative is taken as 0 where zeta = 0
      const T q = grad_cols[i * D + d] / s;
      T v[4];
      for (int j = 0; j < 4; ++j) {
        v[j] = c.in[j] ? zn[c.at[j] * D + d] : T(0);
        if (c.in[j]) atomicAdd(gn + c.at[j] * D + d, q * c.wt[j] * v[j]);
      }
      ga += q * ((1 - c.b) * (v[2] * v[2] - v[0] * v[0]) + c.b * (v[3] * v[3] - v[1] * v[1]));
      gb += q * ((1 - c.a) * (v[1] * v[1] - v[0] * v[0]) + c.a * (v[3] * v[3] - v[2] * v[2]));
    }
    ga = warp_sum(ga);
    gb = warp_sum(gb);
    if (lane == 0) {
      grad_offsets[(n * 2 * rho + 2 * k) * HW + hw] = ga / 2;
      grad_offsets[(n * 2 * rho + 2 * k + 1) * HW + hw] = gb / 2;
    }
  }
}

std::tuple<at::Tensor, at::Tensor> deform_interp_cols_backward_cuda(const at::Tensor& grad_cols, const at::Tensor& z,
                                                                    const at::Tensor& offsets, const at::Tensor& cols,
                                                                    int64_t rho1, int64_t rho2, int64_t dilation) {
  check_inputs(z, offsets, rho1, rho2, dilation);
  const int64_t B = z.size(0), D = z.size(1), H = z.size(2), W = z.size(3), rho = rho1 * rho2;
  for (const at::Tensor* t : {&grad_cols, &cols}) {
    TORCH_CHECK(t->device() == z.device() && t->scalar_type() == z.scalar_type(),
                "grad_cols, cols: expected the device and dtype of z");
    TORCH_CHECK(t->dim() == 3 && t->size(0) == B && t->size(1) == H * W && t->size(2) == rho * D,
                "grad_cols, cols: expected shape (B, H*W, rho1*rho2*D), got ", t->sizes());
  }
  const c10::cuda::CUDAGuard guard(z.device());
  const at::Tensor zt = z.permute({0, 2, 3, 1}).contiguous();
  const at::Tensor off = offsets.contiguous(), g = grad_cols.contiguous(), s = cols.contiguous();
  at::Tensor grad_zt = at::zeros({B, H, W, D}, z.options());
  at::Tensor grad_offsets = at::zeros(off.sizes(), off.options());
  const int64_t items = B * H * W * rho;
  if (items > 0 && D > 0) {
    AT_DISPATCH_FLOATING_TYPES(z.scalar_type(), "deform_interp_cols_backward_cuda", [&] {
      interp_cols_backward_kernel<scalar_t><<<blocks_for(items), kThreads, 0, c10::cuda::getCurrentCUDAStream()>>>(
          g.data_ptr<scalar_t>(), zt.data_ptr<scalar_t>(), off.data_ptr<scalar_t>(), s.data_ptr<scalar_t>(),
          grad_zt.data_ptr<scalar_t>(), grad_offsets.data_ptr<scalar_t>(), B, D, H, W, rho1, rho2, dilation);
      C10_CUDA_KERNEL_LAUNCH_CHECK();
    });
  }
  return {grad_zt.permute({0, 3, 1, 2}).contiguous(), grad_offsets};
}

}  // namespace

TORCH_LIBRARY_IMPL(protonb, CUDA, m) { m.impl("deform_interp_cols_backward", &deform_interp_cols_backward_cuda); }

}  // namespace protonb
