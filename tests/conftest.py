import keras
import pytest


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend {keras.config.backend()}"


@pytest.fixture(autouse=True)
def fresh_keras_session():
    keras.backend.clear_session()
    yield
    keras.config.set_dtype_policy("float32")
