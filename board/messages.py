"""The messages the board's libraries would otherwise write in English, said in plain Chinese, once.

pandera names a failed check by its function and bounds (`in_range(-180, 180)`); Python names a file
error by its errno text (`Is a directory`); argparse writes its own usage errors. Each is translated here,
keeping the values it carries, so an analyst reads the reason and the bound in one sentence.
"""

from __future__ import annotations

import errno
import re

# pandera's built-in checks as its failure cases name them: name(args) → the reason, bounds filled in
_CHECKS = {
    "in_range": "应在 {0} 到 {1} 之间",
    "greater_than_or_equal_to": "不能小于 {0}",
    "greater_than": "应大于 {0}",
    "less_than_or_equal_to": "不能大于 {0}",
    "less_than": "应小于 {0}",
    "equal_to": "应等于 {0}",
    "not_equal_to": "不能等于 {0}",
    "isin": "只能是以下值之一：{all}",
    "notin": "不能是以下值：{all}",
    "str_matches": "格式不对（应符合 {0}）",
    "str_contains": "应包含 {0}",
    "str_startswith": "应以 {0} 开头",
    "str_endswith": "应以 {0} 结尾",
    "str_length": "长度应在 {0} 到 {1} 个字之间",
    "unique_values_eq": "取值应恰好是：{all}",
    "not_nullable": "必填，不能为空",
    "field_uniqueness": "编号在文件中重复",
    "multiple_fields_uniqueness": "这几列的组合在文件中重复",
    "column_in_dataframe": "缺少这一列",
    "column_in_schema": "多出了不认识的列",
    "dataframe_column_labels_unique": "表头中有重复的列名",
    "coerce_dtype": "类型不对，无法转换",
    "dtype": "类型不对",
}
_SPECIAL = {"greater_than_or_equal_to(0)": "不能为负数", "greater_than(0)": "应大于 0"}
FALLBACK = "不符合校验规则"


def check_reason(check: str) -> str:
    """A pandera check as its failure cases name it (`in_range(-180, 180)`) → a Chinese reason with its bounds."""
    check = str(check).strip()
    if check in _SPECIAL:
        return _SPECIAL[check]
    m = re.fullmatch(r"([A-Za-z_]+)(?:\((.*)\))?", check, re.S)
    if not m:
        return check if re.search(r"[\u4e00-\u9fff]", check) else FALLBACK
    name, args = m.group(1), m.group(2)
    template = _CHECKS.get(name)
    if template is None:
        return FALLBACK
    values = [_value(a) for a in _split_args(args or "")]
    try:
        return template.format(*values, all="、".join(values))
    except IndexError:
        return template.split("{", 1)[0].rstrip("（(：: ") or FALLBACK


def _split_args(text: str) -> list[str]:
    text = text.strip().strip("[]{}()")
    return [a.strip() for a in re.split(r",\s*(?![^\[\(]*[\]\)])", text) if a.strip()] if text else []


def _value(text: str) -> str:
    text = text.strip().strip("'\"")
    try:
        number = float(text)
        return f"{number:g}"
    except ValueError:
        return text


_ERRNO = {
    errno.EISDIR: "这是一个文件夹，不是文件；请选择文件夹里的表格文件",
    errno.ENOENT: "找不到这个文件，请检查路径",
    errno.EACCES: "没有权限读取这个文件",
    errno.EPERM: "没有权限读取这个文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.ELOOP: "路径中的链接形成了循环",
    errno.EIO: "读取时磁盘出错",
    errno.ENOSPC: "磁盘空间不足",
}


def file_error(e: OSError) -> str:
    """Why a file could not be read, in Chinese (never the errno text)."""
    if isinstance(e, IsADirectoryError):
        return _ERRNO[errno.EISDIR]
    return _ERRNO.get(e.errno, "无法读取这个文件（系统错误）")


# argparse's own messages (Python 3.11) → Chinese; %-placeholders kept as argparse fills them
ARGPARSE = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示这段帮助并退出",
    "the following arguments are required: %s": "缺少必填参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少需要一个值",
    "ignored explicit argument %r": "多余的值 %r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unexpected option string: %s": "意外的选项：%s",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
}


def argparse_text(message: str) -> str:
    return ARGPARSE.get(message, message)
