"""Users and their roles."""

import factory

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role, User
from portal.directory.models import OrgNode

PASSWORD = "Pw-for-tests-2025"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    phone = "13900000000"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = RoleKind.WORKER
    node = None


def make_user(kind: str | None = None, node: OrgNode | None = None, **fields) -> User:
    """A user (password PASSWORD) holding one role of `kind` at `node`, or no role when kind is None."""
    user = UserFactory(**fields)
    if kind is not None:
        RoleFactory(user=user, kind=kind, node=node)
    return user


def make_expert(node=None, **fields) -> User:
    return make_user(RoleKind.EXPERT, node, **fields)
