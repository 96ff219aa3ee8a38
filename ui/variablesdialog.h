#pragma once

#include "workspace/collection.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;

// The collection's variables and its environments, edited together: the
// collection's defaults first, then each environment with the values that
// override them. A secret variable's value is typed here like any other and
// shown only on request; the caller keeps it out of the file.
class VariablesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit VariablesDialog(const Collection &collection, QWidget *parent = nullptr);

    // The collection with the variables and environments as edited.
    Collection result() const;
    // Checks what was typed; false with the first problem (which layer,
    // which row) in *error.
    bool check(QString *error);

    QListWidget *layers() const;
    QTableWidget *table() const;
    void addEnvironment(const QString &name);
    void addVariable(const Variable &variable);

    void accept() override;

private:
    void showLayer(int index);
    void keepLayer();
    void addRow(const Variable &variable);
    void updateEcho();

    Collection m_collection;
    // The layers: 0 the collection's defaults, then one per environment.
    QList<QList<Variable>> m_variables;
    QList<Environment> m_environments;
    int m_shown = -1;
    QListWidget *m_layers;
    QTableWidget *m_table;
    QCheckBox *m_showSecrets;
    QPushButton *m_renameEnvironment;
    QPushButton *m_removeEnvironment;
    QLabel *m_error;
};
