"""One hash chain per province: records gain their province, related object, batch and position in their chain.

Records written before this migration form the national chain, in the order they were written (their ids),
so they verify as they did: the fields added here enter a record's hash only when they hold a value.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditchainhead',
            name='province',
            field=models.CharField(default='', max_length=6, unique=True),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='sequence',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='auditrecord',
            name='batch',
            field=models.UUIDField(blank=True, db_index=True, null=True, verbose_name='batch'),
        ),
        migrations.AddField(
            model_name='auditrecord',
            name='province',
            field=models.CharField(blank=True, default='', max_length=6, verbose_name='province'),
        ),
        migrations.AddField(
            model_name='auditrecord',
            name='related_id',
            field=models.CharField(blank=True, max_length=40, verbose_name='related object id'),
        ),
        migrations.AddField(
            model_name='auditrecord',
            name='related_type',
            field=models.CharField(blank=True, max_length=60, verbose_name='related object type'),
        ),
        migrations.AddField(
            model_name='auditrecord',
            name='sequence',
            field=models.PositiveBigIntegerField(default=0, verbose_name='position in the chain'),
            preserve_default=False,
        ),
        # UPDATE … FROM with a window function: PostgreSQL, and SQLite from 3.33.
        migrations.RunSQL(
            [
                "UPDATE audit_auditrecord SET sequence = numbered.position FROM "
                "(SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS position FROM audit_auditrecord) AS numbered "
                "WHERE audit_auditrecord.id = numbered.id",
                "UPDATE audit_auditchainhead SET sequence = (SELECT COUNT(*) FROM audit_auditrecord)",
            ],
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='auditrecord',
            index=models.Index(fields=['related_type', 'related_id'], name='audit_related_idx'),
        ),
        migrations.AddIndex(
            model_name='auditrecord',
            index=models.Index(fields=['province', 'id'], name='audit_province_idx'),
        ),
        migrations.AddConstraint(
            model_name='auditrecord',
            constraint=models.UniqueConstraint(fields=('province', 'sequence'), name='audit_one_record_per_chain_position'),
        ),
    ]
