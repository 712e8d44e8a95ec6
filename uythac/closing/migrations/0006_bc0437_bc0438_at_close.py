"""BC0437 and BC0438 figures written at the close (docs/decisions/0015): member counts and members per group,
villages with a balance per unit, the per-program lines of the units."""


import django.db.models.deletion
from django.db import migrations, models

from uythac.closing.autovacuum import analyze_after_each_close


class Migration(migrations.Migration):

    dependencies = [
        ('closing', '0005_analyze_after_each_close'),
        ('geography', '0002_load_divisions'),
        ('network', '0002_reference_data'),
    ]

    operations = [
        migrations.AddField(
            model_name='communesnapshot',
            name='members_paid_interest_3m',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có nộp lãi trong 3 tháng'),
        ),
        migrations.AddField(
            model_name='communesnapshot',
            name='members_with_grace_arrears',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có lãi tồn ân hạn'),
        ),
        migrations.AddField(
            model_name='communesnapshot',
            name='members_with_interest_arrears',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có lãi tồn'),
        ),
        migrations.AddField(
            model_name='groupsnapshot',
            name='members',
            field=models.BigIntegerField(default=0, verbose_name='số tổ viên cuối tháng'),
        ),
        migrations.AddField(
            model_name='groupsnapshot',
            name='members_paid_interest_3m',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có nộp lãi trong 3 tháng'),
        ),
        migrations.AddField(
            model_name='groupsnapshot',
            name='members_with_grace_arrears',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có lãi tồn ân hạn'),
        ),
        migrations.AddField(
            model_name='groupsnapshot',
            name='members_with_interest_arrears',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có lãi tồn'),
        ),
        migrations.AddField(
            model_name='officesnapshot',
            name='members_paid_interest_3m',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có nộp lãi trong 3 tháng'),
        ),
        migrations.AddField(
            model_name='officesnapshot',
            name='members_with_grace_arrears',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có lãi tồn ân hạn'),
        ),
        migrations.AddField(
            model_name='officesnapshot',
            name='members_with_interest_arrears',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có lãi tồn'),
        ),
        migrations.AddField(
            model_name='provincesnapshot',
            name='members_paid_interest_3m',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có nộp lãi trong 3 tháng'),
        ),
        migrations.AddField(
            model_name='provincesnapshot',
            name='members_with_grace_arrears',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có lãi tồn ân hạn'),
        ),
        migrations.AddField(
            model_name='provincesnapshot',
            name='members_with_interest_arrears',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có lãi tồn'),
        ),
        migrations.AddField(
            model_name='unitsnapshot',
            name='members_paid_interest_3m',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có nộp lãi trong 3 tháng'),
        ),
        migrations.AddField(
            model_name='unitsnapshot',
            name='members_with_grace_arrears',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có lãi tồn ân hạn'),
        ),
        migrations.AddField(
            model_name='unitsnapshot',
            name='members_with_interest_arrears',
            field=models.BigIntegerField(default=0, verbose_name='số hộ còn dư nợ có lãi tồn'),
        ),
        migrations.AddField(
            model_name='unitsnapshot',
            name='villages_with_balance',
            field=models.BigIntegerField(default=0, verbose_name='số thôn có dư nợ'),
        ),
        migrations.CreateModel(
            name='UnitProgramSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(max_length=7, verbose_name='kỳ (YYYY-MM)')),
                ('organization_code', models.CharField(max_length=2, verbose_name='mã ĐVUT')),
                ('program_code', models.CharField(max_length=2, verbose_name='mã chương trình')),
                ('customers', models.BigIntegerField(default=0, verbose_name='số khách hàng còn dư nợ')),
                ('principal_current', models.BigIntegerField(default=0, verbose_name='dư nợ trong hạn')),
                ('principal_overdue', models.BigIntegerField(default=0, verbose_name='dư nợ quá hạn')),
                ('principal_frozen', models.BigIntegerField(default=0, verbose_name='dư nợ khoanh')),
                ('interest_arrears', models.BigIntegerField(default=0, verbose_name='lãi tồn')),
                ('inactive_3m_loans', models.BigIntegerField(default=0, verbose_name='số món 3 tháng không hoạt động')),
                ('association_unit', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='network.associationunit', verbose_name='đơn vị hội')),
                ('commune', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='geography.commune', verbose_name='xã')),
                ('office', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='network.transactionoffice', verbose_name='phòng giao dịch')),
                ('province', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='geography.province', verbose_name='tỉnh')),
            ],
            options={
                'verbose_name': 'số liệu chương trình của đơn vị hội cuối tháng',
                'ordering': ['period', 'association_unit_id', 'office_id', 'commune_id', 'program_code'],
                'indexes': [models.Index(fields=['period', 'province'], name='unit_program_snap_province_idx')],
                'constraints': [models.UniqueConstraint(fields=('period', 'association_unit', 'office', 'commune', 'program_code'), name='unit_program_snapshot_unique')],
            },
        ),
        # As closing/0005 for the other snapshot tables: statistics refreshed by autovacuum after each close.
        analyze_after_each_close("closing_unitprogramsnapshot"),
    ]
