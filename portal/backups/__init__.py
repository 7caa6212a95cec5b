"""Backup and restore of the whole portal: the database as portable JSON plus every stored file.

No models: the management commands `backup_portal` and `restore_portal` call portal.backups.services.
"""
