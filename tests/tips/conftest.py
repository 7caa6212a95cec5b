import pytest

from tests.factories.tips import REAL_NAME, file_tip, tip_people, walk_tip
from tips import services
from tips.enums import Disclosure, TipState

IDENTIFYING = "我是三号仓库的保管员"
ACCOUNT_NO = "6222888877776666"


@pytest.fixture
def people(org):
    return tip_people(org)


@pytest.fixture
def identity_secrets(people):
    """Everything that identifies the reporter of `claimed_tip`: none may appear where it is not allowed."""
    return (REAL_NAME["name"], REAL_NAME["phone"], IDENTIFYING, ACCOUNT_NO)


@pytest.fixture
def claimed_tip(org, people):
    """A real-name tip filed by a logged-in worker with identifying text, verified, in the ledger, its reward
    approved by two members and claimed."""
    tip, _receipt = file_tip(org, disclosure=Disclosure.REAL_NAME, identifying=IDENTIFYING, actor=people["worker"])
    tip = walk_tip(people, tip, TipState.NOTIFIED)
    reward = services.propose_reward(tip, actor=people["handler"])
    services.approve_reward(reward, actor=people["rewards1"])
    services.approve_reward(reward, actor=people["rewards2"])
    services.claim_reward(tip, payment={"name": REAL_NAME["name"], "account": ACCOUNT_NO}, declared_not_excluded=True)
    return tip
