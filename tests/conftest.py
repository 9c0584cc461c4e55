import pytest

from tests.support.brokers import EmbeddedBrokerHandle, MosquittoProcess, mosquitto_binary


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory):
    """A real Mosquitto on a free port, started from the binary with the project's config."""
    if mosquitto_binary() is None:
        pytest.fail("mosquitto is not installed: run `make test`, which installs it")
    broker = MosquittoProcess(tmp_path_factory.mktemp("mosquitto")).start()
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def embedded_broker():
    broker = EmbeddedBrokerHandle().start()
    yield broker
    broker.stop()


@pytest.fixture(params=["mosquitto", "embedded"])
def broker(request):
    """Each end-to-end test runs once against Mosquitto and once against the embedded broker."""
    return request.getfixturevalue("mosquitto" if request.param == "mosquitto" else "embedded_broker")
