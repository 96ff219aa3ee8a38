#include "variablesdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {

enum Column { Name, Value, Secret, Enabled, ColumnCount };

} // namespace

VariablesDialog::VariablesDialog(const Collection &collection, QWidget *parent)
    : QDialog(parent)
    , m_collection(collection)
    , m_environments(collection.environments)
    , m_layers(new QListWidget(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_showSecrets(new QCheckBox(tr("Show &secret values"), this))
    , m_renameEnvironment(new QPushButton(tr("Re&name…"), this))
    , m_removeEnvironment(new QPushButton(tr("Re&move"), this))
    , m_error(new QLabel(this))
{
    setWindowTitle(tr("Variables and environments"));
    m_variables.append(collection.variables);
    for (const Environment &environment : std::as_const(m_environments))
        m_variables.append(environment.variables);

    m_layers->setAccessibleName(tr("Where the values apply"));
    m_layers->addItem(tr("Collection defaults"));
    for (const Environment &environment : std::as_const(m_environments))
        m_layers->addItem(environment.name);
    m_table->setHorizontalHeaderLabels({tr("Name"), tr("Value"), tr("Secret"), tr("On")});
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(Name, QHeaderView::Interactive);
    header->setSectionResizeMode(Value, QHeaderView::Stretch);
    header->setSectionResizeMode(Secret, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(Enabled, QHeaderView::ResizeToContents);
    m_table->setColumnWidth(Name, 160);
    m_table->verticalHeader()->hide();
    m_table->setAccessibleName(tr("Variables"));
    m_table->setToolTip(tr("{{name}} in a URL, header, auth field, origin or saved message is replaced by the value. "
                           "A secret value is kept in the keyring, never in the collection file."));
    m_showSecrets->setToolTip(tr("Secret values are hidden while you type, unless this is ticked"));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->hide();

    auto *addEnvironmentButton = new QPushButton(tr("&Add environment…"), this);
    auto *addVariableButton = new QPushButton(tr("Add &variable"), this);
    auto *removeVariableButton = new QPushButton(tr("Remove va&riable"), this);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);

    auto *left = new QVBoxLayout;
    left->addWidget(m_layers, 1);
    left->addWidget(addEnvironmentButton);
    left->addWidget(m_renameEnvironment);
    left->addWidget(m_removeEnvironment);
    auto *rowButtons = new QHBoxLayout;
    rowButtons->addWidget(addVariableButton);
    rowButtons->addWidget(removeVariableButton);
    rowButtons->addStretch(1);
    rowButtons->addWidget(m_showSecrets);
    auto *right = new QVBoxLayout;
    right->addWidget(m_table, 1);
    right->addLayout(rowButtons);
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_layers, &QListWidget::currentRowChanged, this, &VariablesDialog::showLayer);
    connect(addEnvironmentButton, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Add environment"), tr("Name of the environment:"),
                                                   QLineEdit::Normal, QString(), &ok).trimmed();
        if (ok && !name.isEmpty())
            addEnvironment(name);
    });
    connect(m_renameEnvironment, &QPushButton::clicked, this, [this] {
        const int row = m_layers->currentRow();
        if (row < 1)
            return;
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Rename the environment"), tr("Name of the environment:"),
                                                   QLineEdit::Normal, m_environments.at(row - 1).name, &ok).trimmed();
        if (ok && !name.isEmpty()) {
            m_environments[row - 1].name = name;
            m_layers->item(row)->setText(name);
        }
    });
    connect(m_removeEnvironment, &QPushButton::clicked, this, [this] {
        const int row = m_layers->currentRow();
        if (row < 1)
            return;
        m_shown = -1;   // its rows go with it
        m_environments.removeAt(row - 1);
        m_variables.removeAt(row);
        delete m_layers->takeItem(row);
        showLayer(m_layers->currentRow());
    });
    connect(addVariableButton, &QPushButton::clicked, this, [this] {
        addRow({});
        m_table->setCurrentCell(m_table->rowCount() - 1, Name);
        m_table->editItem(m_table->item(m_table->rowCount() - 1, Name));
    });
    connect(removeVariableButton, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() >= 0)
            m_table->removeRow(m_table->currentRow());
    });
    connect(m_showSecrets, &QCheckBox::toggled, this, &VariablesDialog::updateEcho);
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (item->column() == Secret)
            updateEcho();
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &VariablesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &VariablesDialog::reject);
    m_layers->setCurrentRow(0);
    resize(720, 420);
}

QListWidget *VariablesDialog::layers() const
{
    return m_layers;
}

QTableWidget *VariablesDialog::table() const
{
    return m_table;
}

void VariablesDialog::addEnvironment(const QString &name)
{
    keepLayer();
    Environment environment;
    environment.id = Collection::newId();
    environment.name = name;
    m_environments.append(environment);
    m_variables.append(QList<Variable>());
    m_layers->addItem(name);
    m_layers->setCurrentRow(m_layers->count() - 1);
}

void VariablesDialog::addVariable(const Variable &variable)
{
    addRow(variable);
}

void VariablesDialog::addRow(const Variable &variable)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, Name, new QTableWidgetItem(variable.name));
    auto *value = new QLineEdit(variable.value, m_table);
    value->setFrame(false);
    value->setAccessibleName(tr("Value"));
    m_table->setCellWidget(row, Value, value);
    auto *secret = new QTableWidgetItem;
    secret->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
    secret->setCheckState(variable.secret ? Qt::Checked : Qt::Unchecked);
    m_table->setItem(row, Secret, secret);
    auto *enabled = new QTableWidgetItem;
    enabled->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
    enabled->setCheckState(variable.enabled ? Qt::Checked : Qt::Unchecked);
    m_table->setItem(row, Enabled, enabled);
    // What this version does not know of a variable stays with its name.
    m_table->item(row, Name)->setData(Qt::UserRole, variable.unknown);
    updateEcho();
}

void VariablesDialog::updateEcho()
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        auto *value = qobject_cast<QLineEdit *>(m_table->cellWidget(row, Value));
        const bool hide = m_table->item(row, Secret) && m_table->item(row, Secret)->checkState() == Qt::Checked
            && !m_showSecrets->isChecked();
        if (value)
            value->setEchoMode(hide ? QLineEdit::Password : QLineEdit::Normal);
    }
}

void VariablesDialog::keepLayer()
{
    if (m_shown < 0 || m_shown >= m_variables.size())
        return;
    QList<Variable> variables;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        Variable variable;
        variable.name = m_table->item(row, Name) ? m_table->item(row, Name)->text().trimmed() : QString();
        if (const auto *value = qobject_cast<QLineEdit *>(m_table->cellWidget(row, Value)))
            variable.value = value->text();
        variable.secret = m_table->item(row, Secret)->checkState() == Qt::Checked;
        variable.enabled = m_table->item(row, Enabled)->checkState() == Qt::Checked;
        if (m_table->item(row, Name))
            variable.unknown = m_table->item(row, Name)->data(Qt::UserRole).toJsonObject();
        if (variable.name.isEmpty() && variable.value.isEmpty())
            continue;
        variables.append(variable);
    }
    m_variables[m_shown] = variables;
}

void VariablesDialog::showLayer(int index)
{
    keepLayer();
    m_table->setRowCount(0);
    m_shown = index;
    m_renameEnvironment->setEnabled(index > 0);
    m_removeEnvironment->setEnabled(index > 0);
    if (index < 0 || index >= m_variables.size())
        return;
    for (const Variable &variable : std::as_const(m_variables.at(index)))
        addRow(variable);
}

bool VariablesDialog::check(QString *error)
{
    keepLayer();
    for (qsizetype layer = 0; layer < m_variables.size(); ++layer) {
        const QString where = layer == 0 ? tr("Collection defaults") : m_environments.at(layer - 1).name;
        QStringList seen;
        const QList<Variable> &variables = m_variables.at(layer);
        for (qsizetype i = 0; i < variables.size(); ++i) {
            const QString &name = variables.at(i).name;
            if (!Variable::isValidName(name)) {
                *error = tr("%1, row %2: \"%3\" cannot be a variable's name: use letters, digits, '_', '-' and '.'.")
                             .arg(where)
                             .arg(i + 1)
                             .arg(name);
                return false;
            }
            if (seen.contains(name)) {
                *error = tr("%1: \"%2\" is there twice.").arg(where, name);
                return false;
            }
            seen.append(name);
        }
    }
    QStringList names;
    for (const Environment &environment : std::as_const(m_environments)) {
        if (names.contains(environment.name)) {
            *error = tr("Two environments are named \"%1\".").arg(environment.name);
            return false;
        }
        names.append(environment.name);
    }
    return true;
}

void VariablesDialog::accept()
{
    QString error;
    if (!check(&error)) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    QDialog::accept();
}

Collection VariablesDialog::result() const
{
    Collection collection = m_collection;
    collection.variables = m_variables.value(0);
    collection.environments = m_environments;
    for (qsizetype i = 0; i < collection.environments.size(); ++i)
        collection.environments[i].variables = m_variables.value(i + 1);
    return collection;
}
