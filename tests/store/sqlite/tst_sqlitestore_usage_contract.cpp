#include "SqliteContractStore.h"
#include "UsageStoreContract.h"

int main(int argc, char* argv[])
{
    return SqliteContractStore::runSuite<UsageStoreContract>(argc, argv);
}
