// Shared by the forward and backward kernels of protonb's deformable similarity (Deformable ProtoPNet, eq. 5).
//
// Layouts (the same as the PyTorch path of protonb.deformable):
//   zt      (B, H, W, D)         the normalised features, channels last
//   offsets (B, 2*rho, H, W)     a (row, col) pair per part k = k1*rho2 + k2, as torchvision.ops.deform_conv2d
//   cols    (B, H*W, rho*D)      sqrt(zeta) of channel d for part k at location (h, w), index k*D + d
// Part k applied at (h, w) reads the map at (h + dil*k1 - pad1 + drow, w + dil*k2 - pad2 + dcol) with
// pad = dil*(rho-1)/2 (integer division); positions outside the map read zero (eq. 25 sums over the map only).
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <algorithm>
#include <cstdint>

namespace protonb {

constexpr int kWarp = 32;
constexpr int kThreads = 256;  // 8 warps per block, one warp per sampled position

// The four bilinear corners of one deformed position: z1 (floor, floor), z2 (floor, ceil), z3 (ceil, floor),
// z4 (ceil, ceil) as in the supplement's eq. (17)-(20).
template <typename T>
struct Corners {
  int64_t at[4];  // flat index h*W + w of the corner, 0 when outside (then `in` is false)
  bool in[4];     // whether the corner lies on the map
  T wt[4];        // bilinear weights (1-a)(1-b), (1-a)b, a(1-b), ab
  T a, b;         // fractional parts of the row and column, eq. (21)-(22)
};

// Corners of part k of the prototype applied at location hw of image n.
template <typename T>
__device__ __forceinline__ Corners<T> locate(const T* offsets, int64_t n, int64_t k, int64_t hw, int64_t H, int64_t W,
                                             int64_t rho1, int64_t rho2, int64_t dil) {
  const int64_t HW = H * W, rho = rho1 * rho2;
  const T* o = offsets + (n * 2 * rho + 2 * k) * HW + hw;
  const T row = static_cast<T>(hw / W + dil * (k / rho2) - dil * (rho1 - 1) / 2) + o[0];
  const T col = static_cast<T>(hw % W + dil * (k % rho2) - dil * (rho2 - 1) / 2) + o[HW];
  const T r0 = floor(row), c0 = floor(col);
  Corners<T> c;
  c.a = row - r0;
  c.b = col - c0;
  // clamp before the integer cast (NaN and huge offsets land outside the map)
  const int64_t r = static_cast<int64_t>(fmin(fmax(r0, T(-2)), T(H)));
  const int64_t q = static_cast<int64_t>(fmin(fmax(c0, T(-2)), T(W)));
  for (int i = 0; i < 4; ++i) {
    const int64_t ri = r + i / 2, ci = q + i % 2;
    c.in[i] = ri >= 0 && ri < H && ci >= 0 && ci < W;
    c.at[i] = c.in[i] ? ri * W + ci : 0;
  }
  c.wt[0] = (1 - c.a) * (1 - c.b);
  c.wt[1] = (1 - c.a) * c.b;
  c.wt[2] = c.a * (1 - c.b);
  c.wt[3] = c.a * c.b;
  return c;
}

// Number of blocks for a grid-stride loop with one warp per item.
inline unsigned int blocks_for(int64_t items) {
  const int64_t per_block = kThreads / kWarp;
  return static_cast<unsigned int>(std::min<int64_t>((items + per_block - 1) / per_block, int64_t(1) << 20));
}

// The checks shared by both ops: CUDA tensors of one device and dtype, with the shapes of the layouts above.
inline void check_inputs(const at::Tensor& z, const at::Tensor& offsets, int64_t rho1, int64_t rho2, int64_t dilation) {
  TORCH_CHECK(z.is_cuda(), "z: expected a CUDA tensor");
  TORCH_CHECK(z.dim() == 4, "z: expected shape (B, D, H, W), got ", z.sizes());
  TORCH_CHECK(rho1 >= 1 && rho2 >= 1, "rho1, rho2: expected >= 1, got ", rho1, ", ", rho2);
  TORCH_CHECK(dilation >= 1, "dilation: expected >= 1, got ", dilation);
  TORCH_CHECK(offsets.device() == z.device(), "offsets: expected on ", z.device(), ", got ", offsets.device());
  TORCH_CHECK(offsets.scalar_type() == z.scalar_type(), "offsets: dtype ", offsets.scalar_type(), " differs from z's ", z.scalar_type());
  TORCH_CHECK(offsets.dim() == 4 && offsets.size(0) == z.size(0) && offsets.size(1) == 2 * rho1 * rho2 &&
              offsets.size(2) == z.size(2) && offsets.size(3) == z.size(3),
              "offsets: expected shape (B, 2*rho1*rho2, H, W) = (", z.size(0), ", ", 2 * rho1 * rho2, ", ", z.size(2), ", ",
              z.size(3), "), got ", offsets.sizes());
}

}  // namespace protonb
