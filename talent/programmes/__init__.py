"""Talent programmes: capacity, enrollments of pupils, intended fields of study, alumni."""
