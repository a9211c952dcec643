"""One generic list/get/create/update/delete router per inventory table, with filtering, sorting and
pagination, input schemas derived from the SQLModel tables (so the constraints are declared once),
enumerated fields as Literal choices, and references checked so a bad id is a 422 naming the field.

Every list endpoint issues two queries whatever the page size (count + page): no N+1.
(No `from __future__ import annotations` here: the endpoint signatures refer to local schemas.)
"""


import datetime as dt
import inspect as pyinspect
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal, Optional

import annotated_types
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema, create_model
from sqlalchemy import func, or_
from sqlmodel import Session, SQLModel, select

import answers
from inventory.models import as_aware, rules

from .deps import Ctx, IdPath, ctx_for, off_loop
from .errors import ApiError, invalid_input

INT_MAX = 2_147_483_647
MONEY_MAX = Decimal(10) ** 9  # 万元; fits the fen BigInteger with room to spare
# No control characters except tab/newline/CR: PostgreSQL refuses NUL, and XLSX exports (money
# workbook, evidence pack) cannot hold the others.
_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


@dataclass
class Resource:
    path: str  # e.g. "devices"
    model: type[SQLModel]
    read: str  # permission
    write: str
    tag: str
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    search: tuple[str, ...] = ()  # fields `q` matches (substring, case-insensitive)
    # query parameter -> (column, referenced model, its key column): filter by a code instead of an id
    lookups: dict[str, tuple[str, type[SQLModel], str]] = field(default_factory=dict)
    title: str = ""
    read_only: bool = False  # evidence tables: written by collection runs, never through the API


MONEY_SCHEMA = {"anyOf": [{"type": "string", "pattern": r"^-?[0-9]{1,9}(\.[0-9]{1,6})?$"},
                          {"type": "integer", "minimum": -999_999_999, "maximum": 999_999_999}],
                "description": "万元, up to 6 decimal places (fen precision), as a string or an integer"}


def _money(value: Any) -> Decimal:
    """Money in 万元: a decimal string or a number, at most fen precision, within ±1e9."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("expected an amount in 万元, e.g. \"12.5\"")
    try:
        amount = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except ArithmeticError:
        raise ValueError("expected an amount in 万元, e.g. \"12.5\"") from None
    if not amount.is_finite() or abs(amount) >= MONEY_MAX:
        raise ValueError("expected a finite amount below 1e9 万元")
    if amount != amount.quantize(Decimal("0.000001"), rounding="ROUND_DOWN"):
        raise ValueError("at most 6 decimal places (1 fen = 0.000001 万元)")
    return amount


def _constraints(info: Any) -> list[Any]:
    return [m for m in info.metadata if isinstance(m, annotated_types.BaseMetadata)]


def _base_type(annotation: Any) -> tuple[Any, bool]:
    """(type, nullable) of `X | None` or X."""
    args = getattr(annotation, "__args__", None)
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0], True
    return annotation, False


def _fk_targets(model: type[SQLModel]) -> dict[str, str]:
    out = {}
    for column in model.__table__.columns:
        for fk in column.foreign_keys:
            out[column.name] = fk.column.table.name
    return out


def _input_type(res: Resource, name: str, annotation: Any, info: Any) -> Any:
    base, nullable = _base_type(annotation)
    extra: list[Any] = _constraints(info)
    if name in res.choices:
        base = Literal[res.choices[name]]
        extra = []
    elif base is str:
        # identifiers state their rule (inventory/models/rules.py) so clients and the OpenAPI see it
        extra.append(Field(pattern=rules.pattern_for(res.model, name) or _TEXT))
    elif base is int:
        low = 1 if name in _fk_targets(res.model) else -INT_MAX
        if not any(isinstance(m, annotated_types.Ge) for m in extra):
            extra.append(annotated_types.Ge(low))
        if not any(isinstance(m, annotated_types.Le) for m in extra):  # a later bound would win over the model's
            extra.append(annotated_types.Le(INT_MAX))
    elif base is Decimal:
        extra += [BeforeValidator(_money), WithJsonSchema(MONEY_SCHEMA)]
    elif base is float:
        extra += [annotated_types.Ge(-1e9), annotated_types.Le(1e9), Field(allow_inf_nan=False)]
    typ = Annotated[base, *extra] if extra else base
    return Optional[typ] if nullable else typ  # noqa: UP045 - Annotated inside a runtime union


def _fields(res: Resource) -> dict[str, tuple[Any, Any]]:
    return {n: (f.annotation, f) for n, f in res.model.model_fields.items() if n != "id"}


def build_schemas(res: Resource) -> tuple[type[BaseModel], type[BaseModel], type[BaseModel]]:
    name = res.model.__name__
    create_fields: dict[str, Any] = {}
    patch_fields: dict[str, Any] = {}
    out_fields: dict[str, Any] = {"id": (int, ...)}
    for fname, (annotation, info) in _fields(res).items():
        typ = _input_type(res, fname, annotation, info)
        desc = info.description
        if info.default_factory is not None:
            default = Field(default_factory=info.default_factory, description=desc)
        elif info.is_required():
            default = Field(..., description=desc)
        else:
            default = Field(default=info.default, description=desc)
        create_fields[fname] = (typ, default)
        patch_fields[fname] = (typ, Field(default=None, description=desc))
        out_fields[fname] = (annotation, Field(description=desc))
    strict = ConfigDict(extra="forbid")
    create = create_model(f"{name}Create", __config__=strict, **create_fields)
    patch = create_model(f"{name}Patch", __config__=strict, **patch_fields)
    out = create_model(f"{name}Out", __config__=ConfigDict(from_attributes=True), **out_fields)
    return create, patch, out


def _filter_params(res: Resource) -> list[pyinspect.Parameter]:
    params = []
    for fname, (annotation, _info) in _fields(res).items():
        base, _ = _base_type(annotation)
        if fname in res.choices:
            typ: Any = Literal[res.choices[fname]] | None
            q = Query(default=None, description=f"exact {fname}")
        elif base is str:
            typ = str | None
            q = Query(default=None, max_length=200, pattern=_TEXT, description=f"exact {fname}")
        elif base is int:
            typ = int | None
            q = Query(default=None, ge=-INT_MAX, le=INT_MAX, description=f"exact {fname}")
        elif base is bool:
            typ = bool | None
            q = Query(default=None, description=f"exact {fname}")
        else:
            continue
        params.append(pyinspect.Parameter(fname, pyinspect.Parameter.KEYWORD_ONLY, default=q, annotation=typ))
    for param in res.lookups:
        params.append(pyinspect.Parameter(
            param, pyinspect.Parameter.KEYWORD_ONLY, annotation=str | None,
            default=Query(default=None, max_length=100, pattern=_TEXT, description=f"{param} code or name")))
    return params


def _check_refs(session: Session, res: Resource, values: dict[str, Any]) -> None:
    tables = {m.__tablename__: m for m in SQLModel.__subclasses__() if hasattr(m, "__tablename__")}
    for column, table in _fk_targets(res.model).items():
        value = values.get(column)
        if value is None:
            continue
        target = tables.get(table)
        if target is not None and session.get(target, value) is None:
            raise ApiError(409, "invalid_reference", f"{column}: no {table} with id {value}",
                           {"field": column, "table": table, "id": value})


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    # Naive times in requests are China time, like in files and forms.
    return {k: as_aware(v) if isinstance(v, dt.datetime) else v for k, v in values.items()}


def _checked(model: type[SQLModel], values: dict[str, Any], keep: Any) -> dict[str, Any]:
    """The `keep` values as the table class's own rules (inventory/models/rules.py: identifiers, prefix
    lengths, distinct ends) leave them; a 422 naming each field otherwise. The derived request schemas
    check types and bounds; the rules that need the whole row live on the table class, once."""
    try:
        row = model.model_validate(values)
    except ValidationError as exc:
        raise invalid_input(exc.errors(), ("body",)) from None
    return {k: getattr(row, k) for k in keep}


def make_router(res: Resource) -> APIRouter:
    create_schema, patch_schema, out_schema = build_schemas(res)
    router = APIRouter(prefix=f"/{res.path}", tags=[res.tag])
    _add_list(router, res, out_schema)
    _add_get(router, res, out_schema)
    if not res.read_only:
        _add_writes(router, res, create_schema, patch_schema, out_schema)
    return router


def _noun(res: Resource) -> str:
    return res.title or res.path


def _get_or_404(res: Resource, session: Session, obj_id: int) -> Any:
    obj = session.get(res.model, obj_id)
    if obj is None:
        raise ApiError(404, "not_found", f"no {_noun(res)} with id {obj_id}", {"kind": res.path, "key": obj_id})
    return obj


def _filtered(res: Resource, filters: dict[str, Any], q: str | None) -> Any:
    """The list's SELECT with the filters of the query string (a lookup filter matches the target's
    key or name) and the text search."""
    model = res.model
    stmt = select(model)
    for fname, value in filters.items():
        if value is None:
            continue
        if fname in res.lookups:
            column, target, key = res.lookups[fname]
            keys = [getattr(target, key)]
            if "name" in target.model_fields and key != "name":
                keys.append(target.name)
            sub = select(target.id).where(or_(*(k == value for k in keys))).scalar_subquery()
            stmt = stmt.where(getattr(model, column) == sub)
        else:
            stmt = stmt.where(getattr(model, fname) == value)
    if q and res.search:
        pattern = f"%{q.lower()}%"
        stmt = stmt.where(or_(*(func.lower(getattr(model, f)).like(pattern) for f in res.search)))
    return stmt


def _page(res: Resource, stmt: Any, sort: str | None, offset: int, limit: int) -> Any:
    """One query: the page with the total as a window column (plain rows, not ORM objects, validated and
    serialised in one pass by pydantic-core: list endpoints are the hot path, tests/bench/test_api_read.py)."""
    model = res.model
    name = (sort or "id").lstrip("-")
    column = getattr(model, name)
    order = [column.desc() if sort and sort.startswith("-") else column.asc()]
    if name != "id":
        order.append(model.id)
    return (stmt.with_only_columns(*model.__table__.columns, func.count().over().label("_total"))
            .order_by(*order).offset(offset).limit(limit))


def _add_list(router: APIRouter, res: Resource, out_schema: type[BaseModel]) -> None:
    page_schema = create_model(f"{res.model.__name__}Page", items=(list[out_schema], ...), total=(int, ...),
                               limit=(int, ...), offset=(int, ...))
    sort_pattern = "^-?(" + "|".join(res.model.model_fields) + ")$"

    async def list_items(
        request: Request,
        limit: Annotated[int, Query(ge=1, le=500, description="page size")] = 50,
        offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
        sort: Annotated[str | None, Query(pattern=sort_pattern, description="column, '-' for descending")] = "id",
        q: Annotated[str | None, Query(max_length=100, pattern=_TEXT,
                                       description="substring of " + (", ".join(res.search) or "-"))] = None,
        ctx: Ctx = Depends(ctx_for(res.read)),
        **filters: Any,
    ) -> Any:
        stmt = _filtered(res, filters, q)
        page = _page(res, stmt, sort, offset, limit)

        def fetch() -> bytes:
            with ctx.read() as s:
                rows = [dict(r) for r in s.connection().execute(page).mappings().all()]
                # past the end the window has nothing to count on: count separately
                total = rows[0]["_total"] if rows else s.exec(select(func.count()).select_from(stmt.subquery())).one()
            for r in rows:
                del r["_total"]
            body = page_schema.model_validate({"items": rows, "total": int(total), "limit": limit, "offset": offset})
            return body.model_dump_json().encode()

        # A rendered page is an answer like any other (answers/cache.py): served from memory while the
        # data fingerprint stands, and without any query while it is fresh.
        key = ("list", res.path, str(request.url.query))
        body = answers.peek(str(ctx.engine.url), key)
        if body is None:

            def cached() -> bytes:
                with ctx.read() as s:
                    return answers.ask(s).memo(key, fetch)

            body = await off_loop(ctx, cached)
        return Response(body, media_type="application/json")

    base_params = [p for p in pyinspect.signature(list_items).parameters.values() if p.kind != p.VAR_KEYWORD]
    list_items.__signature__ = pyinspect.Signature(  # type: ignore[attr-defined]
        [p.replace(kind=pyinspect.Parameter.KEYWORD_ONLY) for p in base_params] + _filter_params(res))
    router.add_api_route("", list_items, methods=["GET"], response_model=page_schema,
                         summary=f"List {_noun(res)} (filter, sort, paginate)", name=f"list_{res.path}")


def _add_get(router: APIRouter, res: Resource, out_schema: type[BaseModel]) -> None:
    def get_item(obj_id: IdPath, ctx: Ctx = Depends(ctx_for(res.read))) -> Any:
        with ctx.read() as s:
            return out_schema.model_validate(_get_or_404(res, s, obj_id))

    router.add_api_route("/{obj_id}", get_item, methods=["GET"], response_model=out_schema,
                         summary=f"One of {_noun(res)}", name=f"get_{res.path}")


def _add_writes(router: APIRouter, res: Resource, create_schema: type[BaseModel], patch_schema: type[BaseModel],
                out_schema: type[BaseModel]) -> None:
    model, noun = res.model, _noun(res)

    def create_item(body: create_schema, ctx: Ctx = Depends(ctx_for(res.write))) -> Any:  # type: ignore[valid-type]
        values = _normalise(body.model_dump())
        values = _checked(model, values, values)
        with ctx.write() as s:
            _check_refs(s, res, values)
            obj = model(**values)
            s.add(obj)
            s.flush()
            return out_schema.model_validate(obj)

    router.add_api_route("", create_item, methods=["POST"], response_model=out_schema, status_code=201,
                         summary=f"Create one of {noun}", name=f"create_{res.path}")

    def update_item(obj_id: IdPath, body: patch_schema, ctx: Ctx = Depends(ctx_for(res.write))) -> Any:  # type: ignore[valid-type]
        values = _normalise(body.model_dump(exclude_unset=True))
        for key, value in values.items():
            required = model.model_fields[key].is_required() or not _base_type(model.model_fields[key].annotation)[1]
            if value is None and required:
                raise ApiError(422, "validation_error", f"{key} cannot be null", {"field": f"body.{key}"})
        with ctx.write() as s:
            obj = _get_or_404(res, s, obj_id)
            values = _checked(model, {**{k: getattr(obj, k) for k in model.model_fields}, **values}, values)
            _check_refs(s, res, values)
            for key, value in values.items():
                setattr(obj, key, value)
            s.add(obj)
            s.flush()
            return out_schema.model_validate(obj)

    router.add_api_route("/{obj_id}", update_item, methods=["PATCH"], response_model=out_schema,
                         summary=f"Change one of {noun} (only the fields sent)", name=f"update_{res.path}")

    def delete_item(obj_id: IdPath, ctx: Ctx = Depends(ctx_for(res.write))) -> Response:
        with ctx.write() as s:
            s.delete(_get_or_404(res, s, obj_id))
            s.flush()
        return Response(status_code=204)

    router.add_api_route("/{obj_id}", delete_item, methods=["DELETE"], status_code=204, response_class=Response,
                         summary=f"Delete one of {noun} (409 while still referenced)", name=f"delete_{res.path}")
