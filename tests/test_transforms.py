"""Image transforms against independent references, on both backends and every SIMD level.

References: OpenCV's cv2.resize (single-threaded) for resize, numpy for
normalize, a numpy transcription of torchvision's center_crop for crops.
Bounds: float32 results within 1e-4 of OpenCV (values in [0, 1]); uint8
within 1 (OpenCV's SIMD paths round some fixed-point sums differently from
its own scalar code, which ours follows).
"""

from __future__ import annotations

import cv2
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import rt_pandas
from rt_pandas import Tensor, ValidationError
from rt_pandas import transforms as T

cv2.setNumThreads(1)
CV_FLAGS = {"nearest": cv2.INTER_NEAREST, "bilinear": cv2.INTER_LINEAR, "bicubic": cv2.INTER_CUBIC,
            "area": cv2.INTER_AREA}
FLOAT32_BOUND = 1e-4
UINT8_BOUND = 1


def random_images(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.uint8:
        return rng.integers(0, 256, shape, dtype=np.uint8)
    return rng.random(shape).astype(dtype)


def cv_resize(image_hwc, height, width, interpolation):
    out = cv2.resize(image_hwc, (width, height), interpolation=CV_FLAGS[interpolation])
    return out.reshape(height, width, image_hwc.shape[2])


def assert_matches_opencv(got, want, dtype):
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
    bound = UINT8_BOUND if np.dtype(dtype) == np.uint8 else FLOAT32_BOUND
    assert diff.max() <= bound, f"max abs difference {diff.max()}"


# ---- resize -----------------------------------------------------------------

SIZES = [((7, 5), (3, 4)), ((32, 48), (16, 16)), ((37, 100), (224, 100)), ((1, 9), (5, 3)), ((9, 1), (2, 4)),
         ((64, 64), (64, 33)), ((13, 17), (26, 34)), ((50, 50), (1, 1)), ((300, 200), (31, 29))]


@pytest.mark.parametrize("interpolation", list(CV_FLAGS))
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("channels", [1, 3, 4])
def test_resize_matches_opencv(backend, interpolation, dtype, channels):
    for i, ((h, w), (oh, ow)) in enumerate(SIZES):
        image = random_images((h, w, channels), dtype, seed=i)
        want = cv_resize(image, oh, ow, interpolation)
        got = T.resize(image, oh, ow, interpolation)
        assert got.dtype == dtype and got.shape == (oh, ow, channels)
        assert_matches_opencv(got, want, dtype)


@pytest.mark.parametrize("interpolation", list(CV_FLAGS))
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("size", [(40, 29), (23, 30)])  # float32 bilinear: even and odd row counts
def test_resize_every_simd_level_equals_scalar(backend, interpolation, dtype, size):
    batch = random_images((2, 45, 67, 3), dtype, seed=5)
    rt_pandas.force_simd("scalar")
    reference = T.resize(batch, *size, interpolation)
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        np.testing.assert_array_equal(T.resize(batch, *size, interpolation), reference)
    for n, image in enumerate(batch):
        assert_matches_opencv(reference[n], cv_resize(image, *size, interpolation), dtype)


@pytest.mark.parametrize("shape, size", [((200, 300, 3), (123, 77)), ((100, 100, 1), (250, 170)),
                                         ((64, 64, 4), (32, 32))])
def test_uint8_nearest_and_bilinear_equal_opencv(backend, shape, size):
    """Bilinear follows OpenCV's vectorised fixed-point rounding, so uint8 results are equal;
    bicubic and area stay within 1 (about 5% and, for exact 2x shrinks, 12% of values differ)."""
    image = random_images(shape, np.uint8, seed=9)
    for interpolation in ("nearest", "bilinear"):
        np.testing.assert_array_equal(T.resize(image, *size, interpolation), cv_resize(image, *size, interpolation))


def test_resize_chw_and_batches_match_hwc(backend):
    batch = random_images((3, 20, 30, 3), np.float32, seed=2)
    hwc = T.resize(batch, 11, 13, "bicubic")
    chw = T.resize(batch.transpose(0, 3, 1, 2), 11, 13, "bicubic", layout="CHW")
    np.testing.assert_array_equal(chw, hwc.transpose(0, 3, 1, 2))
    for n in range(3):
        assert_matches_opencv(hwc[n], cv_resize(batch[n], 11, 13, "bicubic"), np.float32)
    single = T.resize(batch[0].transpose(2, 0, 1), 11, 13, "bicubic", layout="chw")
    np.testing.assert_array_equal(single, hwc[0].transpose(2, 0, 1))


def test_resize_two_dimensional_and_same_size(backend):
    image = random_images((10, 12), np.float32)
    got = T.resize(image, 5, 6, "area")
    assert got.shape == (5, 6)
    np.testing.assert_allclose(got, cv2.resize(image, (6, 5), interpolation=cv2.INTER_AREA), atol=FLOAT32_BOUND)
    image[3, 3] = np.nan
    same = T.resize(image, 10, 12, "bilinear")
    assert np.isnan(same[3, 3]) and np.isnan(same).sum() == 1  # a copy: NaN does not spread


def test_resize_nearest_takes_other_dtypes(backend):
    image = np.arange(24, dtype=np.int64).reshape(4, 6)
    np.testing.assert_array_equal(T.resize(image, 2, 3, "nearest"), image[::2, ::2])
    image64 = image.astype(np.float64)
    np.testing.assert_array_equal(T.resize(image64, 8, 12, "nearest"), np.repeat(np.repeat(image64, 2, 0), 2, 1))


def test_resize_nan_propagates_to_its_neighbourhood(backend):
    image = np.zeros((8, 8, 1), np.float32)
    image[4, 4] = np.nan
    got = T.resize(image, 4, 4, "bilinear")[..., 0]
    assert np.isnan(got[2, 2]) and np.isnan(got).sum() == 1


# ---- normalize --------------------------------------------------------------

def numpy_normalize(image, mean, std, pixel_scale, channel_axis):
    shape = [1] * image.ndim
    shape[channel_axis] = -1
    mean = np.asarray(mean, np.float64).reshape(shape)
    std = np.asarray(std, np.float64).reshape(shape)
    return (image.astype(np.float64) * pixel_scale - mean) / std


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
@pytest.mark.parametrize("channels", [1, 2, 3, 4, 5, 7])
def test_normalize_matches_numpy_at_every_simd_level(backend, dtype, channels):
    image = random_images((3, 9, 11, channels), dtype, seed=channels)
    mean = np.linspace(0.1, 0.9, channels)
    std = np.linspace(0.2, 0.5, channels)
    scale = 1 / 255 if dtype == np.uint8 else 1.0
    want = numpy_normalize(image, mean, std, scale, -1)
    rt_pandas.force_simd("scalar")
    reference = T.normalize(image, mean, std)
    assert reference.dtype == (np.float64 if dtype == np.float64 else np.float32)
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(reference, want, rtol=rtol, atol=rtol)
    for level in rt_pandas.simd_levels():
        rt_pandas.force_simd(level)
        np.testing.assert_array_equal(T.normalize(image, mean, std), reference)
        chw = T.normalize(image.transpose(0, 3, 1, 2), mean, std, layout="CHW")
        np.testing.assert_array_equal(chw, reference.transpose(0, 3, 1, 2))


def test_normalize_defaults_and_pixel_scale(backend):
    image = random_images((4, 5, 3), np.uint8)
    want = numpy_normalize(image, T.IMAGENET_MEAN, T.IMAGENET_STD, 1 / 255, -1)
    np.testing.assert_allclose(T.normalize(image), want, rtol=1e-6, atol=1e-6)
    got = T.normalize(image, 127.5, 127.5, pixel_scale=1.0)
    np.testing.assert_allclose(got, image / 127.5 - 1, rtol=1e-6, atol=1e-6)


def test_normalize_nan_and_inf_propagate(backend):
    image = np.array([[[np.nan, np.inf, -np.inf, 1.0]]], np.float32).reshape(1, 4, 1)
    got = T.normalize(image, [0.5], [2.0])[..., 0][0]
    assert np.isnan(got[0]) and got[1] == np.inf and got[2] == -np.inf and got[3] == 0.25


# ---- center crop ------------------------------------------------------------

def torchvision_center_crop(image, crop_h, crop_w):
    """torchvision.transforms.functional.center_crop, transcribed for HWC numpy arrays."""
    h, w = image.shape[:2]
    if crop_w > w or crop_h > h:
        left = (crop_w - w) // 2 if crop_w > w else 0
        top = (crop_h - h) // 2 if crop_h > h else 0
        right = (crop_w - w + 1) // 2 if crop_w > w else 0
        bottom = (crop_h - h + 1) // 2 if crop_h > h else 0
        image = np.pad(image, ((top, bottom), (left, right)) + ((0, 0),) * (image.ndim - 2))
        h, w = image.shape[:2]
        if crop_w == w and crop_h == h:
            return image
    top = int(round((h - crop_h) / 2.0))
    left = int(round((w - crop_w) / 2.0))
    return image[top : top + crop_h, left : left + crop_w]


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64, np.int32, np.int64])
def test_center_crop_matches_torchvision(backend, dtype):
    for h, w in [(1, 1), (4, 4), (5, 7), (10, 3), (8, 9)]:
        image = random_images((h, w, 3), dtype, seed=h * w) if dtype in (np.uint8, np.float32, np.float64) \
            else np.arange(h * w * 3, dtype=dtype).reshape(h, w, 3)
        for ch, cw in [(1, 1), (2, 3), (3, 2), (4, 4), (5, 7), (9, 12), (12, 1), (h, w)]:
            want = torchvision_center_crop(image, ch, cw)
            np.testing.assert_array_equal(T.center_crop(image, ch, cw), want)
            chw = T.center_crop(image.transpose(2, 0, 1), ch, cw, layout="CHW")
            np.testing.assert_array_equal(chw, want.transpose(2, 0, 1))


# ---- Tensor -----------------------------------------------------------------

def test_tensor_shares_numpy_memory_and_keeps_dtype(backend):
    for dtype in (np.float32, np.float64, np.uint8):
        array = np.zeros((2, 3, 4), dtype)
        tensor = Tensor(array)
        assert tensor.dtype == dtype and tensor.shape() == (2, 3, 4)
        assert np.shares_memory(np.asarray(tensor), array) and np.shares_memory(tensor.data(), array)
        assert tensor.data().shape == (24,)
    assert Tensor([1, 2, 3]).dtype == np.float32
    assert Tensor(np.arange(6, dtype=np.int64), shape=(3, 2)).shape() == (3, 2)
    assert Tensor(np.arange(6.0), dtype=np.float32).dtype == np.float32


def test_tensor_free_and_context_manager():
    with Tensor(np.ones((2, 2), np.float32)) as tensor:
        assert float(np.asarray(tensor).sum()) == 4
    assert tensor.is_freed
    with pytest.raises(ValidationError, match="freed"):
        tensor.data()
    assert repr(tensor) == "Tensor(<freed>)"


@pytest.mark.parametrize("bad", [
    lambda: Tensor(np.zeros(6), shape=(4, 2)),
    lambda: Tensor(np.zeros(6), shape=(-1, -6)),
    lambda: Tensor(np.array(["a"])),
    lambda: Tensor(np.zeros(3), dtype=np.int16),
    lambda: Tensor(np.zeros(3), shape="ab"),
])
def test_tensor_bad_input(bad):
    with pytest.raises(ValidationError):
        bad()


def test_transforms_on_tensors_return_tensors(backend):
    image = random_images((6, 8, 3), np.float32)
    result = T.resize(Tensor(image), 3, 4, "area")
    assert isinstance(result, Tensor) and result.shape() == (3, 4, 3)
    np.testing.assert_allclose(np.asarray(result), cv_resize(image, 3, 4, "area"), atol=FLOAT32_BOUND)
    normalized = rt_pandas.Normalize([0.5] * 3, [0.25] * 3)(result)
    np.testing.assert_allclose(np.asarray(normalized), (np.asarray(result) - 0.5) / 0.25, rtol=1e-6, atol=1e-6)


# ---- Arrow tensor columns ---------------------------------------------------

def tensor_column(images, nulls=()):
    column = pa.FixedShapeTensorArray.from_numpy_ndarray(images)
    if nulls:
        mask = np.zeros(len(images), bool)
        mask[list(nulls)] = True
        storage = pa.FixedSizeListArray.from_arrays(column.storage.values, column.type.storage_type.list_size,
                                                    mask=pa.array(mask))
        column = pa.ExtensionArray.from_storage(column.type, storage)
    return column


def test_arrow_tensor_column_resize_with_nulls_and_slices(backend):
    images = random_images((12, 20, 16, 3), np.uint8, seed=4)
    column = tensor_column(images, nulls=(2, 9))
    for offset, length in [(0, 12), (1, 10), (3, 5), (9, 3)]:
        sliced = column.slice(offset, length)
        got = T.resize(sliced, 8, 10, "bilinear")
        assert isinstance(got.type, pa.FixedShapeTensorType) and list(got.type.shape) == [8, 10, 3]
        assert got.null_count == sum(offset <= n < offset + length for n in (2, 9))
        got.validate(full=True)
        result = got.storage.values.to_numpy().reshape(length, 8, 10, 3)
        for row in range(length):
            if got.is_null()[row].as_py():
                continue
            assert_matches_opencv(result[row], cv_resize(images[offset + row], 8, 10, "bilinear"), np.uint8)


def test_series_accessor_on_tensor_columns(backend):
    images = random_images((4, 10, 12, 3), np.uint8, seed=8)
    column = tensor_column(images)
    series = pd.Series(column, dtype=pd.ArrowDtype(column.type), index=list("abcd"), name="image")
    resized = series.rt.resize(5, 6, "area")
    assert resized.index.tolist() == list("abcd") and resized.name == "image"
    assert list(resized.dtype.pyarrow_dtype.shape) == [5, 6, 3]
    normalized = resized.rt.normalize([0.5, 0.5, 0.5], [0.2, 0.2, 0.2])
    values = pa.chunked_array(normalized.array.__arrow_array__()).combine_chunks().storage.values.to_numpy()
    resized_values = np.stack([cv_resize(image, 5, 6, "area") for image in images])
    want = (resized_values / 255 - 0.5) / 0.2
    np.testing.assert_allclose(values.reshape(4, 5, 6, 3), want, atol=1 / 255 / 0.2 + 1e-5)
    cropped = series.rt.center_crop(4, 4)
    assert list(cropped.dtype.pyarrow_dtype.shape) == [4, 4, 3]


def test_chunked_and_fixed_size_list_columns(backend):
    images = random_images((5, 6, 8, 1), np.float32, seed=1)
    chunked = pa.chunked_array([tensor_column(images[:2]), tensor_column(images[2:])])
    got = T.resize(chunked, 3, 4, "bicubic")
    assert isinstance(got, pa.ChunkedArray) and got.num_chunks == 2
    values = np.concatenate([c.storage.values.to_numpy() for c in got.chunks]).reshape(5, 3, 4, 1)
    for n in range(5):
        assert_matches_opencv(values[n], cv_resize(images[n], 3, 4, "bicubic"), np.float32)
    as_list = pa.FixedSizeListArray.from_arrays(pa.array(images.reshape(-1)), 48)
    resized = T.resize(as_list, 3, 4, "bicubic", image_shape=(6, 8, 1))
    assert resized.type == pa.list_(pa.float32(), 12)
    np.testing.assert_array_equal(resized.values.to_numpy().reshape(5, 3, 4, 1), values)
    with pytest.raises(ValidationError, match="image_shape"):
        T.resize(as_list, 3, 4)


def test_two_dimensional_tensor_rows(backend):
    images = random_images((3, 9, 7), np.float32)
    column = pa.FixedShapeTensorArray.from_numpy_ndarray(images)
    got = T.center_crop(column, 5, 5)
    assert list(got.type.shape) == [5, 5]
    np.testing.assert_array_equal(got.to_numpy_ndarray(), np.stack([torchvision_center_crop(i, 5, 5) for i in images]))


# ---- bad input --------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda x: T.resize(x, 0, 4), "positive"),
    (lambda x: T.resize(x, -3, 4), "positive"),
    (lambda x: T.resize(x, 2**31, 4), "below 2\\*\\*31"),
    (lambda x: T.resize(x, 2.5, 4), "integer"),
    (lambda x: T.resize(x, 4, 4, "lanczos"), "unknown interpolation"),
    (lambda x: T.resize(x, 4, 4, layout="NHWC"), "layout"),
    (lambda x: T.normalize(x, [0.5, 0.5], [0.2, 0.2]), "2 values for 3 channels"),
    (lambda x: T.normalize(x, [0.5] * 3, [0.2, 0.0, 0.2]), "std must not be 0"),
    (lambda x: T.normalize(x, [np.nan] * 3, [1] * 3), "finite"),
    (lambda x: T.normalize(x, [], [1]), "empty"),
    (lambda x: T.normalize(x, "abc", [1]), "number"),
    (lambda x: T.center_crop(x, 0, 1), "positive"),
    (lambda x: T.resize(x.astype(np.float16), 2, 2), "float16"),
    (lambda x: T.resize(x.astype(np.float64), 2, 2, "bilinear"), "uint8, float32"),
    (lambda x: T.normalize(x.astype(np.int16)), "int16"),
    (lambda x: T.resize(x.reshape(-1), 2, 2), "dimensions"),
    (lambda x: T.resize(x.reshape(1, 1, 1, 4, 12), 2, 2), "dimensions"),
    (lambda x: T.resize(x[:0], 2, 2), "positive"),
    (lambda x: T.resize("image", 2, 2), "got str"),
    (lambda x: T.resize(pd.Series([1.0, 2.0]), 2, 2), "Arrow tensor dtype"),
    (lambda x: T.resize(pa.array([1.0]), 2, 2), "not an image column"),
    (lambda x: T.resize(x.astype(bool), 2, 2), "bool"),
])
def test_bad_input_is_a_validation_error(backend, call, message):
    image = random_images((4, 4, 3), np.float32)
    with pytest.raises(ValidationError, match=message):
        call(image)


def test_empty_batches(backend):
    empty = np.zeros((0, 4, 4, 3), np.uint8)
    assert T.resize(empty, 2, 2).shape == (0, 2, 2, 3)
    assert T.normalize(empty).shape == (0, 4, 4, 3)
    column = tensor_column(random_images((2, 4, 4, 3), np.uint8)).slice(1, 0)
    assert len(T.resize(column, 2, 2)) == 0


def test_c_core_rejects_what_python_would_catch(backend):
    """The C checks hold on their own (the browser calls C directly)."""
    backend_ = rt_pandas.get_backend()
    from rt_pandas._backend import NULL, In, Out
    data = np.zeros(48, np.float32)
    out = backend_.empty(48, np.float32)
    cases = [
        ("rt_transform_resize", (1, In(data), 1, 4, 4, 3, 0, 4, 0, 1, Out(out)), "positive"),
        ("rt_transform_resize", (1, In(data), 1, 4, 4, 3, 7, 2, 2, 1, Out(out)), "layout"),
        ("rt_transform_resize", (1, In(data), 1, 4, 4, 3, 0, 2, 2, 9, Out(out)), "interpolation"),
        ("rt_transform_resize", (2, In(data), 1, 2, 2, 3, 0, 2, 1, 1, Out(out)), "uint8 or float32"),
        ("rt_transform_resize", (1, In(data), 2**40, 2**20, 2**20, 3, 0, 2, 2, 0, Out(out)), "too large"),
        ("rt_transform_resize", (1, In(data), -1, 4, 4, 3, 0, 2, 2, 0, Out(out)), "negative"),
        ("rt_transform_resize", (99, In(data), 1, 4, 4, 3, 0, 2, 2, 0, Out(out)), "dtype"),
        ("rt_transform_center_crop", (1, NULL, 1, 4, 4, 3, 0, 2, 2, Out(out)), "NULL"),
        ("rt_transform_hash", (In(data), -1, 0, NULL), "negative"),
        ("rt_transform_hash128", (In(data), -1, 0, NULL), "negative"),
    ]
    for function, args, message in cases:
        with pytest.raises(ValidationError, match=message):
            backend_.run(function, *args)
