"""The field rules (R2.2-R2.11) reported by the mypy plugin at the field's line (R18.2)."""

import datetime
import decimal
from typing import Optional

from lightapi import Field, RestEndpoint


class TypeMapEndpoint(RestEndpoint):
    tags: list[str] = Field(default_factory=list)  # E: LA002 error: TypeMapEndpoint.tags: annotation 'list[str]' on field 'tags' is not in the type map  [lightapi] # N: hint: use a supported type, or Field(exclude=True)


class RedeclaredEndpoint(RestEndpoint):
    version: str  # E: LA003 error: RedeclaredEndpoint.version: field 'version' redeclares the automatic column 'version'  [lightapi] # N: hint: remove it; automatic columns are added for you # E: Incompatible types in assignment (expression has type "str", base class "RestEndpoint" defined the type as "int")  [assignment]


class ReservedEndpoint(RestEndpoint):
    query: str  # E: LA004 error: ReservedEndpoint.query: field name 'query' is reserved by LightAPI  [lightapi] # N: hint: rename the field


class LengthOnIntEndpoint(RestEndpoint):
    hits: int = Field(max_length=3)  # E: LA005 error: LengthOnIntEndpoint.hits: max_length applies to str fields, not to 'hits' (int)  [lightapi] # N: hint: use ge/le for numbers


class BoundOnStrEndpoint(RestEndpoint):
    title: str = Field(ge=1)  # E: LA006 error: BoundOnStrEndpoint.title: ge applies to numbers and dates, not to 'title' (str)  [lightapi] # N: hint: use min_length/max_length


class PlacesOnFloatEndpoint(RestEndpoint):
    amount: float = Field(decimal_places=2)  # E: LA007 error: PlacesOnFloatEndpoint.amount: decimal_places applies to Decimal fields, not to 'amount' (float)  [lightapi] # N: hint: annotate it as Decimal


class MutableDefaultEndpoint(RestEndpoint):
    label: str = Field(default=[])  # E: LA008 error: MutableDefaultEndpoint.label: default of 'label' is a mutable list  [lightapi] # N: hint: use default_factory # E: Incompatible types in assignment (expression has type "list[Never]", variable has type "str")  [assignment]


class WrongDefaultEndpoint(RestEndpoint):
    year: Optional[int] = "unknown"  # E: LA009 error: WrongDefaultEndpoint.year: default 'unknown' of 'year' is not a valid Optional[int]  [lightapi] # N: hint: fix the default or the annotation # E: Incompatible types in assignment (expression has type "str", variable has type "int | None")  [assignment]


class DefaultBreaksConstraintEndpoint(RestEndpoint):
    label: str = Field(default="", min_length=1)  # E: LA010 error: DefaultBreaksConstraintEndpoint.label: default '' of 'label' violates min_length=1  [lightapi] # N: hint: change the default or the constraint


class ForeignKeyShapeEndpoint(RestEndpoint):
    article_id: int = Field(foreign_key="articles")  # E: LA011 error: ForeignKeyShapeEndpoint.article_id: foreign_key 'articles' of 'article_id' is not 'table.column'  [lightapi] # N: hint: write e.g. 'articles.id'


class UnknownOptionEndpoint(RestEndpoint):
    title: str = Field(max_len=3)  # E: LA012 error: UnknownOptionEndpoint.title: Field() of 'title' got unknown option 'max_len'  [lightapi] # N: hint: did you mean 'max_length'?


class EmptyRangeEndpoint(RestEndpoint):
    code: str = Field(min_length=5, max_length=3)  # E: LA013 error: EmptyRangeEndpoint.code: min_length=5 exceeds max_length=3 on 'code'  [lightapi] # N: hint: make the range non-empty


class AliasEndpoint(RestEndpoint):
    title: str = Field(alias="name")  # E: LA014 error: AliasEndpoint.title: field 'title' uses an alias; aliases are not supported  [lightapi] # N: hint: rename the field instead


class BadPatternEndpoint(RestEndpoint):
    code: str = Field(pattern="[a-")  # E: LA016 error: BadPatternEndpoint.code: pattern of 'code' is not a valid regular expression  [lightapi] # N: hint: fix the pattern


class FineEndpoint(RestEndpoint):
    """Every supported type with valid options: nothing to report."""

    title: str = Field(min_length=1, max_length=200, pattern=r"^\w")
    pages: int = Field(default=100, ge=1, le=10_000)
    price: decimal.Decimal = Field(default=decimal.Decimal("9.99"), max_digits=8, decimal_places=2)
    rating: Optional[float] = Field(default=None, ge=0, le=5)
    published: Optional[datetime.datetime] = None
    released: datetime.date = datetime.date(2024, 1, 2)
    available: bool = True
    author_id: Optional[int] = Field(default=None, foreign_key="authors.id")
