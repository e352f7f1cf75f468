"""The CUDA op of the deformable similarity (cuda/csrc): it compiles where a CUDA toolkit exists, once per version of
its sources (`build_extension` caches the build by their hash), its schema registers, its Python side (CPU kernels,
fake kernels, autograd) passes `torch.library.opcheck`, and on a GPU it matches the PyTorch reference."""
import os, shutil, time
import pytest, torch
from protonb.deformable import build_extension, load_extension, deformable_similarity, deformable_similarity_ref, _cuda_home

def _missing_toolchain():
    "Why the kernel cannot be compiled here, or None."
    if _cuda_home() is None: return "no CUDA toolkit: nvcc is not on PATH and CUDA_HOME is unset"
    for tool in ('ninja', 'c++'):
        if shutil.which(tool) is None: return f"{tool} is not on PATH (torch's extension builder needs it)"

pytestmark = pytest.mark.skipif(_missing_toolchain() is not None, reason=f"cannot compile the CUDA kernel: {_missing_toolchain()}")

@pytest.fixture(scope='module')
def ext():
    t = time.time()
    lib = build_extension()
    print(f"\nCUDA extension {lib} ready in {time.time() - t:.1f} s")
    assert load_extension(lib)
    return lib

def _inputs(device='cpu', dtype=torch.float64, rho=(3, 3), seed=0):
    torch.manual_seed(seed)
    z = torch.rand(2, 5, 4, 6, dtype=dtype)
    z = (z / z.norm(dim=1, keepdim=True) / 3).to(device).requires_grad_()
    offsets = (torch.randint(-2, 2, (2, 2 * rho[0] * rho[1], 4, 6)) + 0.1 + 0.8 * torch.rand(2, 2 * rho[0] * rho[1], 4, 6))
    return z, torch.randn(3, 5, *rho, dtype=dtype, device=device, requires_grad=True), offsets.to(device, dtype).requires_grad_()

def test_compiles_once(ext):
    assert ext.is_file() and ext.stat().st_size > 0
    assert build_extension() == ext            # the second call finds the cached build

def test_schema(ext):
    s = str(torch.ops.protonb.deform_interp_cols.default._schema)
    assert s == 'protonb::deform_interp_cols(Tensor z, Tensor offsets, int rho1, int rho2, int dilation) -> Tensor'
    assert 'CUDA' in torch._C._dispatch_dump('protonb::deform_interp_cols')
    assert 'CUDA' in torch._C._dispatch_dump('protonb::deform_interp_cols_backward')

@pytest.mark.parametrize('rho,dilation', [((3, 3), 1), ((2, 2), 2)])
def test_opcheck_cpu(ext, rho, dilation):
    "The op's registration (schema, fake kernel, autograd) with the PyTorch kernels, on CPU."
    z, p, o = _inputs(rho=rho)
    torch.library.opcheck(torch.ops.protonb.deform_interp_cols.default, (z, o, *rho, dilation))
    from protonb.deformable import _op_similarity
    gout = torch.randn(2, 3, 4, 6, dtype=torch.float64)
    got = torch.autograd.grad(_op_similarity(z, p, o, dilation), (z, p, o), gout)
    want = torch.autograd.grad(deformable_similarity_ref(z, p, o, dilation), (z, p, o), gout)
    for a, b in zip(got, want): torch.testing.assert_close(a, b)

@pytest.mark.skipif(not torch.cuda.is_available(), reason="no GPU: the kernel is compiled but not run")
@pytest.mark.parametrize('dtype,tol', [(torch.float64, 1e-10), (torch.float32, 1e-4)])
@pytest.mark.parametrize('rho,dilation', [((3, 3), 1), ((2, 2), 2), ((2, 3), 1)])
def test_cuda_matches_reference(ext, dtype, tol, rho, dilation):
    z, p, o = _inputs('cuda', dtype, rho)
    gout = torch.randn(2, 3, 4, 6, dtype=dtype, device='cuda')
    out, ref = deformable_similarity(z, p, o, dilation), deformable_similarity_ref(z, p, o, dilation)
    torch.testing.assert_close(out, ref, atol=tol, rtol=tol)
    for a, b in zip(torch.autograd.grad(out, (z, p, o), gout), torch.autograd.grad(ref, (z, p, o), gout)):
        torch.testing.assert_close(a, b, atol=tol, rtol=tol)
    torch.library.opcheck(torch.ops.protonb.deform_interp_cols.default, (z, o, *rho, dilation))
