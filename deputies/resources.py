"""django-import-export Resource for the roster: the twelve Chinese columns and how a deputy
becomes a row of them (masked for users who may not see phone and ID numbers).

Reading a secretary's sheet is ours (deputies.importing): its preview, Chinese messages with
row and column, duplicate matching and single-transaction write do not fit the generic flow.
"""

from import_export import fields, resources

from . import vocab
from .models import Deputy


class DeputyResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="姓名")
    gender = fields.Field(column_name="性别")
    ethnicity = fields.Field(attribute="ethnicity", column_name="民族")
    birth = fields.Field(column_name="出生年月")
    affiliation = fields.Field(column_name="政治面貌")
    education = fields.Field(column_name="文化程度")
    work_unit = fields.Field(attribute="work_unit", column_name="工作单位及职务")
    constituency = fields.Field(attribute="constituency", column_name="选区")
    levels = fields.Field(column_name="代表层级")
    group = fields.Field(column_name="代表小组")
    phone = fields.Field(column_name="联系电话")
    id_number = fields.Field(column_name="身份证号")

    class Meta:
        model = Deputy
        fields = [key for _header, key in vocab.COLUMNS]
        export_order = fields

    def __init__(self, *, access):
        super().__init__()
        self.access = access  # renda.core.access.Access of the user the rows are for

    def dehydrate_gender(self, d):
        return vocab.GENDER_LABEL.get(d.gender, "")

    def dehydrate_birth(self, d):
        birth = self.access.personal(d).birth_date
        if isinstance(birth, str):  # masked: year and month only, as text
            return birth.replace("-", ".")
        return birth  # a date cell, shown as 1968.05

    def dehydrate_affiliation(self, d):
        return vocab.affiliation_export_label(d.affiliation, d.democratic_party)

    def dehydrate_education(self, d):
        return vocab.EDUCATION_LABEL.get(d.education, "")

    def dehydrate_levels(self, d):
        return vocab.levels_label([m.level for m in getattr(d, "active_mandates", [])])

    def dehydrate_group(self, d):
        group = getattr(d, "current_group", None)
        return group.name if group else ""

    def dehydrate_phone(self, d):
        return self.access.personal(d).phone

    def dehydrate_id_number(self, d):
        return self.access.personal(d).id_number
