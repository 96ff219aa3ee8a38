#!/usr/bin/env python3
"""Fails when a translation is behind the sources, or a text bypasses tr().

1. lupdate reads app/ and ui/ into a copy of each resources/translations/*.ts:
   an entry that is unfinished (new in the sources, or never translated) or
   vanished (gone from the sources) fails the check, and so does a
   translation whose placeholders (%1, %n), accelerator letter (&C), line
   breaks or plural forms do not match its source.
2. The sources are read for texts a user could see that are not in tr() or
   translate(): prose in QStringLiteral, QLatin1String, u"" and plain
   literals, and any literal given to a widget's text setter. A literal that
   is meant to stay as it is (protocol text, a format, a name) says so with
   a comment containing "not translated" on its line.

Usage: check-translations.py LUPDATE SOURCE_DIR
"""
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

TRANSLATING = {'tr', 'translate', 'QT_TR_NOOP', 'QT_TRANSLATE_NOOP', 'QT_TR_N_NOOP', 'QT_TRANSLATE_N_NOOP'}
# Where a literal is bytes, a pattern or a name, never shown.
NOT_SHOWN = {'contains', 'indexOf', 'startsWith', 'endsWith', 'setObjectName', 'QByteArray', 'answer',
             'failUpstream', 'qWarning', 'qDebug', 'qCritical', 'Q_ASSERT_X', 'property', 'setProperty',
             'findChild', 'findChildren', 'QRegularExpression', 'value', 'insert', 'SLOT', 'SIGNAL'}
WRAPPERS = {'QStringLiteral', 'QLatin1String', 'QLatin1StringView', 'fromUtf8', 'fromLatin1', 'QString',
            'QStringView'}
SETTERS = {'setText', 'setToolTip', 'setWindowTitle', 'addAction', 'setPlaceholderText', 'QLabel', 'QPushButton',
           'QAction', 'QCheckBox', 'QRadioButton', 'QGroupBox', 'addTab', 'insertTab', 'setTabText',
           'setStatusTip', 'setWhatsThis', 'addMenu', 'setTitle', 'showMessage', 'information', 'warning',
           'critical', 'question', 'about', 'setInformativeText', 'setDetailedText', 'addButton', 'setHeaderLabels',
           'setSuffix', 'setPrefix', 'setSpecialValueText', 'addItem', 'addRow', 'QToolButton', 'setEmptyText',
           'setAccessibleName', 'setLabelText'}
PROSE = re.compile(r'[A-Za-z]{2,}[,.:;]? +[A-Za-z(]{2,}')
PROTOCOL_LINE = re.compile(r'^(HTTP/|[A-Z][A-Za-z-]+: |-----)')


def literals(path):
    """(line, enclosing call names, text) for each string literal outside comments."""
    text = open(path, encoding='utf-8').read()
    lines = text.split('\n')
    n = len(text)
    i = 0
    line = 1
    calls = []
    while i < n:
        c = text[i]
        if c == '\n':
            line += 1
            i += 1
        elif text.startswith('//', i):
            end = text.find('\n', i)
            i = n if end < 0 else end
        elif text.startswith('/*', i):
            end = text.find('*/', i + 2)
            end = n if end < 0 else end + 2
            line += text.count('\n', i, end)
            i = end
        elif c == "'" and not (i > 0 and text[i - 1].isdigit()):
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == '\\' else 1
            i = j + 1
        elif c == '"':
            if i > 0 and text[i - 1] == 'R':
                open_paren = text.index('(', i)
                delimiter = text[i + 1:open_paren]
                close = text.index(')' + delimiter + '"', open_paren)
                value = text[open_paren + 1:close]
                j = close + len(delimiter) + 1
            else:
                j = i + 1
                while j < n and text[j] != '"':
                    j += 2 if text[j] == '\\' else 1
                value = text[i + 1:j]
            yield line, lines[line - 1], list(calls), value
            line += text.count('\n', i, j)
            i = j + 1
        elif c == '(':
            name = re.search(r'([A-Za-z_]\w*)\s*$', text[max(0, i - 80):i])
            calls.append(name.group(1) if name else '')
            i += 1
        elif c == ')':
            if calls:
                calls.pop()
            i += 1
        else:
            i += 1


def untranslated_texts(source_dir):
    problems = []
    for top in ('app', 'ui'):
        for directory, _, files in sorted(os.walk(os.path.join(source_dir, top))):
            for name in sorted(files):
                if not name.endswith(('.cpp', '.h')):
                    continue
                path = os.path.join(directory, name)
                for line, line_text, calls, value in literals(path):
                    if 'not translated' in line_text:
                        continue
                    inner = [c for c in calls if c not in WRAPPERS]
                    call = inner[-1] if inner else ''
                    if call in TRANSLATING or call in NOT_SHOWN:
                        continue
                    prose = PROSE.search(value) and not PROTOCOL_LINE.match(value)
                    shown = call in SETTERS and re.search(r'[A-Za-z]{2,}', value)
                    if prose or shown:
                        relative = os.path.relpath(path, source_dir)
                        problems.append(f'{relative}:{line}: "{one_line(value)}" is not in tr(); translate it, '
                                        'or say "not translated" in a comment on its line')
    return problems


def one_line(text, width=70):
    text = text.replace('\n', '⏎')
    return text if len(text) <= width else text[:width] + '…'


def placeholders(text):
    return collections.Counter(re.findall(r'%L?(?:\d+|n)', text or ''))


def accelerator(text):
    found = re.search(r'&([^&\s])', (text or '').replace('&&', ''))
    return found.group(1).upper() if found else None


def translation_problems(lupdate, source_dir):
    problems = []
    translations = os.path.join(source_dir, 'resources', 'translations')
    for ts_name in sorted(os.listdir(translations)):
        if not ts_name.endswith('.ts'):
            continue
        with tempfile.TemporaryDirectory() as scratch:
            copy = os.path.join(scratch, ts_name)
            shutil.copy(os.path.join(translations, ts_name), copy)
            run = subprocess.run([lupdate, '-silent', '-locations', 'none', '-extensions', 'cpp,h',
                                  os.path.join(source_dir, 'app'), os.path.join(source_dir, 'ui'), '-ts', copy],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                problems.append(f'{ts_name}: lupdate failed: {run.stderr.strip()}')
                continue
            root = ET.parse(copy).getroot()
        for context in root.iter('context'):
            context_name = context.findtext('name')
            for message in context.iter('message'):
                source = message.findtext('source') or ''
                where = f'{ts_name}: {context_name}: "{one_line(source)}"'
                translation = message.find('translation')
                kind = translation.get('type') if translation is not None else 'unfinished'
                if kind in ('vanished', 'obsolete'):
                    problems.append(f'{where} is no longer in the sources; update the .ts (update_translations)')
                    continue
                if kind == 'unfinished':
                    problems.append(f'{where} has no finished translation')
                    continue
                if message.get('numerus') == 'yes':
                    forms = [f.text or '' for f in translation.findall('numerusform')]
                    if not forms or any(not f for f in forms):
                        problems.append(f'{where}: a plural form is empty')
                    texts = forms
                else:
                    texts = [translation.text or '']
                for text in texts:
                    if placeholders(text) != placeholders(source):
                        problems.append(f'{where}: the translation has other placeholders: "{one_line(text)}"')
                    if accelerator(text) != accelerator(source):
                        problems.append(f'{where}: the translation has another accelerator: "{one_line(text)}"')
                    if text.count('\n') != source.count('\n'):
                        problems.append(f'{where}: the translation has another number of lines')
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    lupdate, source_dir = sys.argv[1], os.path.abspath(sys.argv[2])
    problems = translation_problems(lupdate, source_dir) + untranslated_texts(source_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f'{len(problems)} problem(s) with the translations', file=sys.stderr)
        return 1
    print('translations complete; every text a user sees goes through tr()')
    return 0


if __name__ == '__main__':
    sys.exit(main())
